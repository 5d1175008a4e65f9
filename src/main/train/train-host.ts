import { existsSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { runTrainJob } from './train-job'
import type { TrainEvent, TrainJob, TrainOutcome, TrainReply, TrainRequest } from './train-protocol'

export interface TrainHandle {
  /** Settles when the job ends: stopped, finished, or failed (with the training thread's message). */
  readonly done: Promise<TrainOutcome>
  /** Asks the job to stop after its current step (it writes its last checkpoint first). */
  stop(): void
  /** Where the job runs. */
  readonly thread: 'worker' | 'main'
}

export interface TrainHostOptions {
  /** The built worker entry (out/main/train-worker.js); when it does not exist the job runs in this thread between awaits. */
  workerFile: string | null
  onEvent: (event: TrainEvent) => void
  /**
   * After stop(), how long the worker may take to finish its step and write its checkpoint
   * before it is terminated (the newest whole checkpoint on disk stays usable either way).
   */
  stopGraceMs?: number
}

/**
 * Starts a training job off the main thread: a worker thread runs it (and starts its own shard
 * helpers), so the event loop of `semagic serve` or Electron's main process stays free. Events
 * come back as messages; SQLite is never touched by the worker (the caller stays its only writer).
 */
export function launchTrainJob(job: Omit<TrainJob, 'workerFile'>, options: TrainHostOptions): TrainHandle {
  const file = options.workerFile && existsSync(options.workerFile) ? options.workerFile : null
  if (!file) {
    let stopped = false
    const done = Promise.resolve().then(() => runTrainJob({ ...job, workerFile: null }, options.onEvent, () => stopped))
    return { done, stop: () => (stopped = true), thread: 'main' }
  }
  const worker = new Worker(file, { workerData: { role: 'train' } })
  let lastStep = job.resumeFrom?.manifest.step ?? 0
  let lastCheckpoint: string | null = null
  let timer: NodeJS.Timeout | null = null
  let terminated = false
  let finished = false
  const done = new Promise<TrainOutcome>((resolve, reject) => {
    let settled = false
    const settle = (fn: () => void): void => {
      if (settled) return
      settled = true
      finished = true
      if (timer) clearTimeout(timer)
      fn()
    }
    worker.on('message', (reply: TrainReply) => {
      if (reply.type === 'event') {
        if (reply.event.type === 'step') lastStep = reply.event.step
        if (reply.event.type === 'checkpoint') lastCheckpoint = reply.event.dir
        try {
          options.onEvent(reply.event)
        } catch (error) {
          // E.g. the disk filled up under metrics.jsonl: the run fails with that error (its newest
          // whole checkpoint stays on disk) instead of an exception escaping this listener and
          // taking the whole process down.
          settle(() => reject(error))
          void worker.terminate()
        }
      } else if (reply.type === 'done') {
        settle(() => resolve(reply.outcome))
      } else {
        const error = new Error(reply.message)
        if (reply.stack) error.stack = reply.stack
        settle(() => reject(error))
      }
    })
    worker.on('error', (error) => settle(() => reject(error)))
    worker.on('exit', (code) => {
      if (terminated) settle(() => resolve({ stopped: true, step: lastStep, checkpoint: lastCheckpoint, threads: 0 }))
      else settle(() => reject(new Error(`the training worker exited with code ${code} before finishing`)))
    })
  })
  const message: TrainRequest = { type: 'start', job: { ...job, workerFile: file } }
  worker.postMessage(message)
  return {
    done,
    thread: 'worker',
    stop: () => {
      if (timer || finished) return
      worker.postMessage({ type: 'stop' } satisfies TrainRequest)
      timer = setTimeout(() => {
        terminated = true
        void worker.terminate()
      }, options.stopGraceMs ?? 10_000)
      timer.unref()
    },
  }
}
