import type { DatasetSummary } from '../../../../shared/ipc/channels/datasets'
import { count, when } from '../../lib/format'
import { hrefFor } from '../../shell/route'

export function DatasetList({ datasets, selected }: { datasets: readonly DatasetSummary[]; selected: string | null }): React.JSX.Element {
  if (datasets.length === 0) {
    return <p className="muted">No data sets yet: import an SPair-71k folder below.</p>
  }
  return (
    <table className="table table-hover" aria-label="Data sets">
      <thead>
        <tr>
          <th>name</th>
          <th className="num">images</th>
          <th className="num">keypoints</th>
          <th className="num">categories</th>
          <th className="num">pairs trn / val / test</th>
          <th className="num">warnings</th>
          <th>imported</th>
        </tr>
      </thead>
      <tbody>
        {datasets.map((d) => (
          <tr key={d.name} aria-selected={d.name === selected} data-testid={`dataset-${d.name}`}>
            <td>
              <a href={hrefFor('datasets', { ds: d.name })}>{d.name}</a>
            </td>
            <td className="num" data-testid="dataset-images">
              {count(d.images)}
            </td>
            <td className="num">{count(d.keypoints)}</td>
            <td className="num">{Object.keys(d.categories).length}</td>
            <td className="num">
              {count(d.pairs.trn)} / {count(d.pairs.val)} / {count(d.pairs.test)}
            </td>
            <td className="num">{d.warningCount}</td>
            <td className="muted" title={d.root}>
              {when(d.importedAt)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
