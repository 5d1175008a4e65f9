import { useEffect } from 'react'
import type { BenchJobState, BenchStatus } from '../../../../shared/ipc/channels/runs'
import { useQuery } from '../../client/use-query'
import { ErrorAlert } from '../../shell/ErrorAlert'

const POLL_MS = 5000
const ORDER: readonly BenchJobState[] = ['queued', 'running', 'done', 'failed', 'unknown']

function counts(b: BenchStatus): string {
  return ORDER.filter((s) => (b.counts[s] ?? 0) > 0 || s === 'done')
    .map((s) => `${b.counts[s] ?? 0} ${s}`)
    .join(', ')
}

/**
 * Benches handed to a cluster (`semagic bench --on slurm`) and where each stands, task by task.
 * Polls while one has not finished; the answer comes from the bench folders and the scheduler's
 * client, so the studio never waits on a job. Hidden when there are none.
 */
export function BenchesPanel({ onCollected }: { onCollected: () => void }): React.JSX.Element | null {
  const benches = useQuery('runs.benches', {})
  const reload = benches.reload
  const live = benches.data?.some((b) => !b.finished) ?? false
  const collected = benches.data?.filter((b) => b.table !== null).length ?? 0
  useEffect(() => {
    if (!live) return
    const t = setInterval(reload, POLL_MS)
    return () => clearInterval(t)
  }, [live, reload])
  // A collecting job that ran has imported its runs: the runs table has news.
  useEffect(() => {
    if (collected > 0) onCollected()
  }, [collected, onCollected])
  if (!benches.error && (benches.data?.length ?? 0) === 0) return null
  return (
    <section className="panel" aria-label="Cluster benches">
      <h2>Cluster benches</h2>
      <ErrorAlert error={benches.error} context="cluster benches" />
      {benches.data?.map((b) => (
        <details key={b.id} open={!b.finished}>
          <summary>
            <strong>{b.id}</strong> on {b.dataset}: features {b.features}; tasks {counts(b)}; collect {b.collect}
          </summary>
          <table className="table table-compact" aria-label={`Tasks of bench ${b.id}`}>
            <thead>
              <tr>
                <th className="num">task</th>
                <th>model</th>
                <th>state</th>
                <th className="num">restarts</th>
              </tr>
            </thead>
            <tbody>
              {b.tasks.map((t) => (
                <tr key={t.index}>
                  <td className="num">{t.index}</td>
                  <td title={t.runId}>{t.label}</td>
                  <td>{t.state}</td>
                  <td className="num">{t.restarts}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {b.table ? <pre>{b.table}</pre> : null}
          <p className="muted">Folder: {b.folder}</p>
        </details>
      ))}
    </section>
  )
}
