import { modelLabel } from '../../../../shared/ipc/channels/train'
import type { RunSummary } from '../../../../shared/ipc/channels/train'
import { when } from '../../lib/format'

/** The last logged total loss; older runs or other variants may lack `total`, hence the fallback. */
function lastTotal(run: RunSummary): string {
  const v = run.summary?.losses['total']
  return v === undefined ? '–' : v.toPrecision(4)
}

/**
 * One row per run, newest first (as train.runs answers); the id button selects the run, the
 * compare box picks it for the comparison chart.
 */
export function RunsTable({
  runs,
  selected,
  onSelect,
  compared,
  onToggleCompare,
}: {
  runs: readonly RunSummary[]
  selected: string | null
  onSelect: (runId: string) => void
  compared: readonly string[]
  onToggleCompare: (runId: string) => void
}): React.JSX.Element {
  return (
    <table className="table table-compact table-hover" aria-label="Training runs">
      <thead>
        <tr>
          <th>compare</th>
          <th>run</th>
          <th>variant</th>
          <th>category</th>
          <th>status</th>
          <th className="num">step</th>
          <th className="num">steps/s</th>
          <th className="num">total loss</th>
          <th>started</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} aria-selected={r.id === selected} data-testid={`run-row-${r.id}`} data-status={r.status}>
            <td>
              <input type="checkbox" checked={compared.includes(r.id)} onChange={() => onToggleCompare(r.id)} aria-label={`Compare run ${r.id}`} />
            </td>
            <td>
              <button type="button" className="link" onClick={() => onSelect(r.id)} aria-label={`Show run ${r.id}`}>
                {r.id}
              </button>
            </td>
            <td>{modelLabel(r.config)}</td>
            <td>
              {r.config.dataset} / {r.config.category}
            </td>
            <td>
              <span className={`badge badge-${r.status}`}>{r.status}</span>
            </td>
            <td className="num" data-testid="run-steps">
              {r.summary?.step ?? 0} / {r.config.steps}
            </td>
            <td className="num">{r.summary?.stepsPerSecond == null ? '–' : r.summary.stepsPerSecond.toFixed(2)}</td>
            <td className="num">{lastTotal(r)}</td>
            <td className="muted">{when(r.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
