import type { Job } from '../../shared/ipc/channels/jobs'
import type { Core } from '../core/create-core'
import type { CliIo } from './command'
import { createProgressReporter } from './progress-reporter'

/**
 * Starts one job in this CLI's core and waits for it, with its progress on stderr and Ctrl-C
 * turned into a cancel request (the job stops at its next check and leaves stored data whole).
 */
export async function followJob<T>(core: Core, io: CliIo, label: string, start: () => string): Promise<T> {
  const reporter = createProgressReporter(io.stderr, label)
  let jobId: string | null = null
  const detach = core.hub.attach((event, payload) => {
    const job = payload as Job
    if (event === 'job.updated' && job.id === jobId && job.status === 'running' && job.progress) reporter.update(job.progress)
  })
  const cancel = (): void => {
    if (jobId) core.services.jobs.cancel(jobId)
  }
  process.once('SIGINT', cancel)
  try {
    jobId = start()
    return (await core.services.jobs.wait(jobId)) as T
  } finally {
    reporter.done()
    process.off('SIGINT', cancel)
    detach()
  }
}
