import { randomUUID } from 'node:crypto'
import type { Job, JobStatus, Progress } from '../../../shared/ipc/channels/jobs'
import { etaSeconds, startRate, updateRate } from '../../../shared/progress'
import type { RateState } from '../../../shared/progress'
import { AppError, notFound } from '../../core/app-error'
import { isStorageError, storageError } from '../../core/storage-error'
import type { EventHub } from '../../core/event-hub'
import type { Db } from '../../store/migration'
import { ERROR_CODES } from '../../../shared/ipc/result'
import type { ErrorCode } from '../../../shared/ipc/result'

export interface JobContext {
  readonly signal: AbortSignal
  /** Report progress; cheap to call often (persisted at most every `persistEveryMs`). */
  progress(done: number, total: number | null, unit: string, message?: string): void
  /** Throws a CANCELLED AppError once cancellation was requested. */
  throwIfCancelled(): void
}

/**
 * A JobContext over `signal` whose progress, with rate and ETA, goes to `report` at most every
 * `everyMs` (and always at completion): jobs persist it; interactive calls only send it.
 */
export function createJobContext(signal: AbortSignal, everyMs: number, report: (progress: Progress) => void): JobContext {
  let rate: RateState = startRate(Date.now())
  let last = 0
  return {
    signal,
    progress: (done, total, unit, message) => {
      const now = Date.now()
      rate = updateRate(rate, now, done)
      if (now - last < everyMs && !(total !== null && done >= total)) return
      last = now
      report({ done, total, unit, ratePerSec: rate.rate, etaSec: etaSeconds(rate.rate, done, total), ...(message === undefined ? {} : { message }) })
    },
    throwIfCancelled: () => {
      if (signal.aborted) throw new AppError('CANCELLED', 'cancelled by the user')
    },
  }
}

export type JobRunner<T> = (ctx: JobContext) => Promise<T>

interface JobRow {
  id: string
  kind: string
  title: string
  status: JobStatus
  progress: string | null
  result: string | null
  error: string | null
  error_code: string | null
  created_at: string
  updated_at: string
}

const toJob = (r: JobRow): Job => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  status: r.status,
  progress: r.progress ? (JSON.parse(r.progress) as Progress) : null,
  result: r.result ? (JSON.parse(r.result) as Job['result']) : null,
  error: r.error,
  errorCode: (ERROR_CODES as readonly string[]).includes(r.error_code ?? '') ? (r.error_code as ErrorCode) : null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

/**
 * Long work with progress (rate, ETA), cancellation and a persistent record. Jobs that were
 * running when the process died are marked "interrupted" on the next start; the work itself
 * resumes from its own checkpoints when started again.
 */
export class JobManager {
  private readonly controllers = new Map<string, AbortController>()
  private readonly finished = new Map<string, Promise<unknown>>()

  constructor(
    private readonly db: Db,
    private readonly hub: EventHub,
    private readonly persistEveryMs = 250,
  ) {
    this.markOrphansInterrupted()
  }

  /**
   * A job still "running" in the table belongs to a process that died, unless that process is
   * alive: the CLI and the studio may share a workspace, and one must not orphan the other's jobs.
   */
  private markOrphansInterrupted(): void {
    const rows = this.db.prepare(`SELECT id, owner_pid FROM jobs WHERE status IN ('queued', 'running')`).all() as {
      id: string
      owner_pid: number | null
    }[]
    const mark = this.db.prepare(`UPDATE jobs SET status = 'interrupted', updated_at = ? WHERE id = ?`)
    const now = new Date().toISOString()
    for (const r of rows) if (r.owner_pid === null || !processAlive(r.owner_pid)) mark.run(now, r.id)
  }

  list(limit: number): Job[] {
    const rows = this.db.prepare('SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as JobRow[]
    return rows.map(toJob)
  }

  get(id: string): Job {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined
    if (!row) throw notFound(`job ${id}`)
    return toJob(row)
  }

  cancel(id: string): boolean {
    this.get(id)
    const controller = this.controllers.get(id)
    if (!controller) return false
    controller.abort()
    return true
  }

  /** Starts the job and returns its id at once; `wait(id)` resolves with its result. */
  start<T>(kind: string, title: string, params: unknown, run: JobRunner<T>): string {
    const id = randomUUID()
    const now = new Date().toISOString()
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, title, status, params, owner_pid, created_at, updated_at)
         VALUES (?, ?, ?, 'running', ?, ?, ?, ?)`,
      )
      .run(id, kind, title, JSON.stringify(params ?? {}), process.pid, now, now)
    const controller = new AbortController()
    this.controllers.set(id, controller)
    this.publish(id)
    const promise = this.execute(id, controller, run)
    this.finished.set(id, promise)
    // The outcome is recorded in the jobs table; callers that care use wait().
    promise.then(
      () => this.finished.delete(id),
      () => this.finished.delete(id),
    )
    return id
  }

  /** Resolves with the job's result, or rejects with its error, running or already finished. */
  async wait(id: string): Promise<unknown> {
    const running = this.finished.get(id)
    if (running) return running
    const job = this.get(id)
    if (job.status === 'succeeded') return job.result
    throw new AppError(job.errorCode ?? (job.status === 'cancelled' ? 'CANCELLED' : 'INTERNAL'), job.error ?? `job ${id} ${job.status}`)
  }

  private async execute<T>(id: string, controller: AbortController, run: JobRunner<T>): Promise<T> {
    const ctx = createJobContext(controller.signal, this.persistEveryMs, (progress) => {
      this.db.prepare('UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(progress), new Date().toISOString(), id)
      this.publish(id)
    })
    try {
      const result = await run(ctx)
      this.finish(id, 'succeeded', result ?? null, null, null)
      return result
    } catch (thrown) {
      // Disk full or read-only: the job's error says so plainly, naming the path where known.
      const error = isStorageError(thrown) ? storageError(thrown, undefined, false) : thrown
      const cancelled = error instanceof AppError && error.code === 'CANCELLED'
      this.finish(id, cancelled ? 'cancelled' : 'failed', null, error instanceof Error ? error.message : String(error), error instanceof AppError ? error.code : 'INTERNAL')
      throw error
    } finally {
      this.controllers.delete(id)
    }
  }

  private finish(id: string, status: JobStatus, result: unknown, error: string | null, code: ErrorCode | null): void {
    this.db
      .prepare('UPDATE jobs SET status = ?, result = ?, error = ?, error_code = ?, updated_at = ? WHERE id = ?')
      .run(status, result === null ? null : JSON.stringify(result), error, code, new Date().toISOString(), id)
    this.publish(id)
  }

  private publish(id: string): void {
    this.hub.emit('job.updated', this.get(id))
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
