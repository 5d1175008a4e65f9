import { useState } from 'react'
import { ranOnLabel } from '../../../../shared/device'
import type { Job } from '../../../../shared/ipc/channels/jobs'
import type { RunSummary } from '../../../../shared/ipc/channels/train'
import { useClient } from '../../client'
import { useQuery } from '../../client/use-query'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { JobProgress } from '../../shell/JobProgress'
import { LossChart } from './LossChart'
import { RunGainNote } from './RunGainNote'
import { useRunCurve } from './use-run-curve'

/** Only these can continue from a checkpoint; a failed run needs its cause fixed and a new start. */
const RESUMABLE = new Set(['cancelled', 'interrupted'])

/**
 * The selected run: its loss curve and, when it stopped early, Resume. `refresh` changes whenever
 * the view learns the run moved on (a job settled, a poll), so the curve follows it.
 */
export function RunDetail({
  run,
  runs,
  refresh,
  onSettled,
}: {
  run: RunSummary
  /** Every run, for the same configuration's other seeds. */
  runs: readonly RunSummary[]
  refresh: number
  onSettled: (job: Job) => void
}): React.JSX.Element {
  const client = useClient()
  const curve = useRunCurve(run.id, refresh)
  // Read when the run is opened: reports come from evaluations elsewhere (Reports, semagic bench), not from this view.
  const reports = useQuery('eval.reports', {})
  const [log, setLog] = useState(false)
  const [jobId, setJobId] = useState<string | null>(null)
  const [error, setError] = useState<Error | null>(null)

  const resume = (): void => {
    setError(null)
    setJobId(null)
    client.call('train.resume', { runId: run.id }).then(
      (r) => setJobId(r.jobId),
      (err: Error) => setError(err),
    )
  }

  const rows = curve.data ?? []
  return (
    <section className="panel" aria-label={`Run ${run.id}`}>
      <div className="toolbar">
        <h2>
          Run {run.id} <span className={`badge badge-${run.status}`}>{run.status}</span>
        </h2>
        <label className="check">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
        </label>
        {RESUMABLE.has(run.status) ? (
          <button type="button" className="primary" onClick={resume} disabled={jobId !== null}>
            Resume
          </button>
        ) : null}
      </div>
      <p className="muted">
        {run.config.variant} on {run.config.dataset} / {run.config.category} ({run.config.split}), backbone {run.config.backbone}, seed {run.config.seed}
        {run.config.articulation > 0 ? `, ${run.config.articulation} articulated parts` : ''}; trained on{' '}
        <span data-testid="run-device">{ranOnLabel(run)}</span>; folder <code>{run.folder}</code>
      </p>
      {reports.data ? <RunGainNote run={run} runs={runs} reports={reports.data} /> : null}
      <ErrorAlert error={reports.error} context="reports" />
      <ErrorAlert error={error} context="resume" />
      {jobId ? <JobProgress key={jobId} jobId={jobId} onSettled={onSettled} /> : null}
      <ErrorAlert error={curve.error} context="loss curve" />
      {curve.data && rows.length === 0 ? <p className="muted">No losses logged yet.</p> : null}
      {rows.length > 0 ? <LossChart rows={rows} log={log} /> : null}
    </section>
  )
}
