import type { ReportSummary } from '../../../../shared/ipc/channels/eval'
import { when } from '../../lib/format'

export function ReportList({
  summaries,
  selected,
  onToggle,
}: {
  summaries: readonly ReportSummary[]
  selected: ReadonlySet<string>
  onToggle: (key: string, on: boolean) => void
}): React.JSX.Element {
  return (
    <table className="table table-compact table-hover" aria-label="Reports">
      <thead>
        <tr>
          <th>show</th>
          <th>method</th>
          <th>threshold</th>
          <th>correct when</th>
          <th>alphas</th>
          <th className="num">pairs</th>
          <th>created</th>
        </tr>
      </thead>
      <tbody>
        {summaries.map((s) => {
          const first = s.report.alphas[0]
          const pairs = first === undefined ? null : (s.report.overall[first]?.pairs ?? null)
          return (
            <tr key={s.key} aria-selected={selected.has(s.key)}>
              <td>
                <input type="checkbox" checked={selected.has(s.key)} onChange={(e) => onToggle(s.key, e.target.checked)} aria-label={`show ${s.method}`} />
              </td>
              <td>{s.method}</td>
              <td>{s.options.threshold}</td>
              <td>{s.options.compare === 'le' ? 'err ≤ α·T' : 'err < α·T'}</td>
              <td>{s.report.alphas.join(', ')}</td>
              <td className="num">{pairs ?? '–'}</td>
              <td className="muted">{when(s.createdAt)}</td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
