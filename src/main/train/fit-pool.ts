import { Worker } from 'node:worker_threads'
import { fitImage } from '../engine/infer/fit-image'
import type { MeshFit } from '../engine/infer/fit-image'
import type { CategoryModel } from '../engine/model/category-model'
import { serializeModel } from '../engine/train/checkpoint'
import type { FitReply, FitRequest, FitTask } from './train-protocol'
import { request } from './worker-request'

export interface FitPoolOptions {
  /** The built worker entry (out/main/train-worker.js); null fits in this thread, one image between two awaits. */
  workerFile: string | null
  /** Helper threads fitting at once. */
  threads: number
}

export interface FitHooks {
  /** Called on this thread as each fit arrives, in the order they finish. */
  onFit(key: string, fit: MeshFit): void
  /** Asked before each image is handed out: true leaves the rest unfitted (a cancelled job). */
  shouldStop?(): boolean
}

const HELPER = 'mesh fitting helper'

/**
 * Fits images with a category frozen (fitImage, seconds each) on helper threads, so that the
 * thread answering the studio stays free and both cores work. The helpers run the same seeded
 * code on the same model, so where a fit runs does not change a bit of it.
 */
export async function fitImages(model: CategoryModel, tasks: readonly FitTask[], options: FitPoolOptions, hooks: FitHooks): Promise<void> {
  if (options.workerFile === null) {
    for (const task of tasks) {
      if (hooks.shouldStop?.()) return
      hooks.onFit(task.key, fitImage(model, task))
      await new Promise((resolve) => setImmediate(resolve))
    }
    return
  }
  const workerFile = options.workerFile
  const workers = Array.from({ length: Math.max(1, Math.min(options.threads, tasks.length)) }, () => new Worker(workerFile, { workerData: { role: 'fit' } }))
  let failed = false
  try {
    const serialized = serializeModel(model)
    await Promise.all(workers.map((w) => request<FitRequest, FitReply>(w, { type: 'init', model: serialized }, HELPER)))
    let next = 0
    const settled = await Promise.allSettled(
      workers.map(async (w) => {
        while (next < tasks.length && !failed && !hooks.shouldStop?.()) {
          const task = tasks[next++]!
          try {
            const reply = await request<FitRequest, FitReply>(w, { type: 'fit', task }, HELPER)
            if (reply.type !== 'fitted') throw new Error(`${HELPER}: unexpected reply '${reply.type}'`)
            hooks.onFit(reply.key, { ...reply.fit, faces: model.template.faces })
          } catch (error) {
            failed = true
            throw error
          }
        }
      }),
    )
    for (const s of settled) if (s.status === 'rejected') throw s.reason
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}
