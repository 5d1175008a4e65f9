import type { DatasetSummary } from '../../../../shared/ipc/channels/datasets'
import { count } from '../../lib/format'

export function CategoryTable({
  summary,
  onPick,
}: {
  summary: DatasetSummary
  onPick: (category: string) => void
}): React.JSX.Element {
  const rows = Object.entries(summary.categories).sort(([a], [b]) => a.localeCompare(b))
  return (
    <table className="table table-compact" aria-label="Categories">
      <thead>
        <tr>
          <th>category</th>
          <th className="num">images</th>
          <th className="num">trn pairs</th>
          <th className="num">val pairs</th>
          <th className="num">test pairs</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, c]) => (
          <tr key={name}>
            <td>
              <button type="button" className="link" onClick={() => onPick(name)} title="Show only this category">
                {name}
              </button>
            </td>
            <td className="num">{count(c.images)}</td>
            <td className="num">{count(c.pairs.trn)}</td>
            <td className="num">{count(c.pairs.val)}</td>
            <td className="num">{count(c.pairs.test)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th>all</th>
          <th className="num">{count(summary.images)}</th>
          <th className="num">{count(summary.pairs.trn)}</th>
          <th className="num">{count(summary.pairs.val)}</th>
          <th className="num">{count(summary.pairs.test)}</th>
        </tr>
      </tfoot>
    </table>
  )
}
