import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { createBackbone } from '../backbones/create-backbone'
import type { BackboneInfo, BackboneOptions, BackboneRuntime } from '../backbones/types'
import { extractBatch } from './extract-task'
import type { ExtractOutcome, ExtractTask } from './extract-task'
import type { WorkerReply, WorkerRequest } from './worker-protocol'

export interface Extractor {
  readonly info: BackboneInfo
  readonly settingsHash: string
  /** Featurises every task, calling `onOutcome` as each finishes; stops early when `signal` aborts. */
  run(tasks: ExtractTask[], onOutcome: (o: ExtractOutcome) => void, signal?: AbortSignal): Promise<void>
  dispose(): Promise<void>
}

export interface ExtractorOptions {
  /** Worker threads to use (each loads its own backbone). 0 = in this thread. */
  workers: number
  /** The built worker entry; when it does not exist (source checkouts, tests) work stays in-thread. */
  workerFile: string
  batchSize?: number
  /** Where models converted at first use are kept (the workspace's cache/models). */
  modelDir?: string
  /** onnxruntime's execution providers for ONNX backbones (BackboneRuntime.providers). */
  providers?: string[]
}

const chunks = <T>(items: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / n) }, (_, i) => items.slice(i * n, (i + 1) * n))

/**
 * Feature extraction off the event loop where possible: a pool of worker threads, one backbone
 * each, so that both cores work and the studio stays responsive (tfjs-wasm runs one thread per
 * instance in Node). Falls back to this thread between awaits when no worker build exists.
 */
export async function createExtractor(id: string, options: BackboneOptions, pool: ExtractorOptions): Promise<Extractor> {
  const batchSize = pool.batchSize ?? 4
  const base: BackboneRuntime = { ...(pool.modelDir === undefined ? {} : { modelDir: pool.modelDir }), ...(pool.providers === undefined ? {} : { providers: pool.providers }) }
  if (pool.workers > 0 && existsSync(pool.workerFile)) {
    // The workers share the cores: each onnxruntime session gets its share, not all of them.
    const threads = Math.max(1, Math.floor(availableParallelism() / pool.workers))
    return createWorkerPool(id, options, { ...base, threads }, pool.workers, pool.workerFile, batchSize)
  }
  const backbone = await createBackbone(id, options, base)
  return {
    info: backbone.describe(),
    settingsHash: backbone.settingsHash,
    async run(tasks, onOutcome, signal) {
      for (const batch of chunks(tasks, batchSize)) {
        if (signal?.aborted) return
        for (const o of await extractBatch(backbone, batch)) onOutcome(o)
        await new Promise((r) => setImmediate(r)) // let IPC and sockets breathe between batches
      }
    },
    dispose: async () => backbone.dispose(),
  }
}

async function createWorkerPool(id: string, options: BackboneOptions, runtime: BackboneRuntime, n: number, file: string, batchSize: number): Promise<Extractor> {
  const workers = Array.from({ length: n }, () => new Worker(file))
  const request = (w: Worker, message: WorkerRequest): Promise<WorkerReply> =>
    new Promise((resolve, reject) => {
      const onMessage = (reply: WorkerReply): void => {
        cleanup()
        if (reply.type === 'error') reject(new Error(reply.message))
        else resolve(reply)
      }
      const onError = (error: Error): void => {
        cleanup()
        reject(error)
      }
      const cleanup = (): void => {
        w.off('message', onMessage)
        w.off('error', onError)
      }
      w.on('message', onMessage)
      w.on('error', onError)
      w.postMessage(message)
    })
  let ready: WorkerReply[]
  try {
    // The first worker starts alone: one-off work at a backbone's first use (converting a
    // shipped CNN to ONNX) then happens once, off the main thread, and the others find it done.
    const [head, ...rest] = workers
    const leader = await request(head!, { type: 'init', id, options, runtime })
    ready = [leader, ...(await Promise.all(rest.map((w) => request(w, { type: 'init', id, options, runtime }))))]
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()))
    throw error
  }
  const first = ready[0]
  if (!first || first.type !== 'ready') throw new Error('feature worker did not start')
  return {
    info: first.info,
    settingsHash: first.settingsHash,
    async run(tasks, onOutcome, signal) {
      const queue = chunks(tasks, batchSize)
      await Promise.all(
        workers.map(async (w) => {
          for (let batch = queue.shift(); batch && !signal?.aborted; batch = queue.shift()) {
            // Only the task's own fields cross the thread boundary (callers may attach more).
            const tasks = batch.map(({ key, path, bbox, margin }) => ({ key, path, bbox, margin }))
            const reply = await request(w, { type: 'batch', tasks })
            if (reply.type === 'outcomes') reply.outcomes.forEach(onOutcome)
          }
        }),
      )
    },
    dispose: async () => {
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}
