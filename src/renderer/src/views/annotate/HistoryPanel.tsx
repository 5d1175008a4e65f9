import type { HistoryEntry } from '../../../../shared/ipc/channels/curation'
import { when } from '../../lib/format'

/** Every edit of the data set, newest first: what, who, when, and whether it is still applied. */
export function HistoryPanel({
  items,
  total,
  onMore,
}: {
  items: readonly HistoryEntry[]
  total: number
  onMore: (() => void) | null
}): React.JSX.Element {
  return (
    <section aria-label="Edit history" className="side-section">
      <h3>
        History <span className="muted">({total})</span>
      </h3>
      {items.length === 0 ? <p className="muted small">No edits yet.</p> : null}
      <ol className="history" data-testid="history">
        {byGesture(items).map(({ first: h, edits }) => (
          <li key={h.id} className={`history-${h.state}`} title={`${h.author}, ${when(h.createdAt)}`} data-state={h.state}>
            <span className="history-label">
              {h.label}
              {edits > 1 ? <span className="muted"> ({edits} edits)</span> : null}
            </span>
            <span className="muted small">
              {h.state === 'applied' ? '' : `${h.state} · `}
              {new Date(h.createdAt).toLocaleTimeString()}
            </span>
          </li>
        ))}
      </ol>
      {onMore ? (
        <button type="button" className="link" onClick={onMore}>
          Show more
        </button>
      ) : null}
    </section>
  )
}

/** One line per gesture: a batch's edits are undone together, so they are listed together. */
function byGesture(items: readonly HistoryEntry[]): { first: HistoryEntry; edits: number }[] {
  const out: { first: HistoryEntry; edits: number }[] = []
  for (const h of items) {
    const last = out.at(-1)
    if (last && last.first.batch === h.batch) last.edits++
    else out.push({ first: h, edits: 1 })
  }
  return out
}
