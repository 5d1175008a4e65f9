import { useEffect, useRef, useState } from 'react'
import type { Job } from '../../../shared/ipc/channels/jobs'
import { useClient } from '../client'
import { TERMINAL, useJob } from '../client/jobs-store'
import { duration, rate } from '../lib/format'
import { ErrorAlert } from './ErrorAlert'

/**
 * Progress of one long job: done/total, rate, ETA, and Cancel while it runs. `onSettled` runs
 * once when the job ends, whatever the outcome, so the caller can refresh what it changed.
 */
export function JobProgress({ jobId, onSettled }: { jobId: string; onSettled?: (job: Job) => void }): React.JSX.Element {
  const client = useClient()
  const { job, error } = useJob(jobId)
  const [cancelError, setCancelError] = useState<Error | null>(null)
  const [cancelling, setCancelling] = useState(false)
  const settledRef = useRef<string | null>(null)
  const onSettledRef = useRef(onSettled)
  useEffect(() => {
    onSettledRef.current = onSettled
  })
  useEffect(() => {
    if (job && TERMINAL.has(job.status) && settledRef.current !== job.id) {
      settledRef.current = job.id
      onSettledRef.current?.(job)
    }
  }, [job])

  const cancel = (): void => {
    setCancelling(true)
    client.call('jobs.cancel', { id: jobId }).then(
      () => undefined,
      (e: Error) => {
        setCancelError(e)
        setCancelling(false)
      },
    )
  }

  const p = job?.progress ?? null
  const running = job !== null && !TERMINAL.has(job.status)
  const fraction = p && p.total ? Math.min(1, p.done / p.total) : null
  return (
    <div className="job" data-testid="job-progress" data-status={job?.status ?? 'waiting'} aria-live="polite">
      <div className="job-head">
        <strong>{job?.title ?? 'Starting…'}</strong>
        <span className={`badge badge-${job?.status ?? 'queued'}`}>{job?.status ?? 'waiting'}</span>
        {running ? (
          <button type="button" onClick={cancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : null}
      </div>
      {running || job?.status === 'succeeded' ? (
        <progress max={1} value={job?.status === 'succeeded' ? 1 : (fraction ?? undefined)} aria-label="progress" />
      ) : null}
      {p ? (
        <div className="job-facts muted">
          <span data-testid="job-done">
            {p.done}
            {p.total !== null ? ` / ${p.total}` : ''} {p.unit}
          </span>
          <span>{rate(p.ratePerSec, p.unit)}</span>
          {running ? <span>ETA {duration(p.etaSec)}</span> : null}
          {p.message ? <span>{p.message}</span> : null}
        </div>
      ) : null}
      {job?.status === 'cancelled' ? <p className="muted">Cancelled before it finished.</p> : null}
      {job?.status === 'interrupted' ? <ErrorAlert error="the studio stopped while this job ran; start it again to resume" /> : null}
      <ErrorAlert error={job?.status === 'failed' ? (job.error ?? 'the job failed without a message') : null} context={job?.title} />
      <ErrorAlert error={error} context="reading the job" />
      <ErrorAlert error={cancelError} context="cancel" />
    </div>
  )
}
