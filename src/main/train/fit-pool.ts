import { Worker } from 'node:worker_threads'
import type { DeviceChoice, RanOn } from '../../shared/device'
import { fitImage } from '../engine/infer/fit-image'
import type { MeshFit } from '../engine/infer/fit-image'
import type { CategoryModel } from '../engine/model/category-model'
import { serializeModel } from '../engine/train/checkpoint'
import type { FitReply, FitRequest, FitTask } from './train-protocol'
import { checkEngineDevice } from '../engine/gpu/adapter'
import { engineDeviceChoice } from '../engine/gpu/engine-support'
import { openGpuFitter, openGpuFitterThread } from './gpu-fits'
import type { ThreadSlots } from './thread-slots'
import { request } from './worker-request'

export interface FitPoolOptions {
  /** The built worker entry (out/main/train-worker.js); null fits in this thread, one image between two awaits. */
  workerFile: string | null
  /** Helper threads this call starts. */
  threads: number
  /** Shared by all calls: each fit on a helper holds a slot, so calls at once share the threads. */
  slots?: ThreadSlots
  /** Where the fits run, asked at each call (absent: the CPU). A GPU fits the images together, in batches. */
  device?: () => DeviceChoice
}

export interface FitHooks {
  /** Called on this thread as each fit arrives, in the order they finish. */
  onFit(key: string, fit: MeshFit): void
  /** Asked before each image is handed out: true leaves the rest unfitted (a cancelled job). */
  shouldStop?(): boolean
  /** Where this call's fits run, said once before the first fit. */
  onDevice?(ranOn: RanOn): void
}

/** Images fitted together on a GPU per batch: the batches are where a cancel is seen and progress moves. */
export const GPU_FIT_BATCH = 32

const HELPER = 'mesh fitting helper'

/**
 * Fits images with a category frozen (fitImage, seconds each) on helper threads, so that the
 * thread answering the studio stays free and both cores work. The helpers run the same seeded
 * code on the same model, so where a fit runs does not change a bit of it. An image's inputs are
 * read (`load`) only when it is handed out, so a long list never sits in memory at once.
 */
export async function fitImages(model: CategoryModel, keys: readonly string[], load: (key: string) => FitTask, options: FitPoolOptions, hooks: FitHooks): Promise<void> {
  if (keys.length === 0) return
  const choice = engineDeviceChoice(options.device?.() ?? 'cpu', model.config, 'fitting')
  if (choice !== 'cpu' && (await fitOnGpu(model, keys, load, options, hooks, choice))) return
  hooks.onDevice?.({ device: 'cpu', adapter: null })
  if (options.workerFile === null) {
    for (const key of keys) {
      if (hooks.shouldStop?.()) return
      hooks.onFit(key, fitImage(model, load(key)))
      await new Promise((resolve) => setImmediate(resolve))
    }
    return
  }
  const workerFile = options.workerFile
  const workers: Worker[] = []
  const outcome: { failure: { error: unknown } | null } = { failure: null }
  // A failure ends the job at once: the other helpers' fits in flight are not waited for.
  const fail = (error: unknown): void => {
    outcome.failure ??= { error }
    for (const w of workers) void w.terminate()
  }
  try {
    const serialized = serializeModel(model)
    let next = 0
    // A helper starts once its lane holds a slot: a call waiting behind others' fits, or stopped
    // before its turn, keeps no idle thread (and its copy of the model) alive meanwhile.
    const handOut = async (helper: { worker: Worker | null }): Promise<FitReply | null> => {
      const release = await options.slots?.acquire()
      try {
        // Asked again: the wait for a slot may have outlasted the job or the list.
        if (outcome.failure || hooks.shouldStop?.() || next >= keys.length) return null
        if (!helper.worker) {
          const worker = new Worker(workerFile, { workerData: { role: 'fit' } })
          workers.push(worker)
          helper.worker = worker
          await request<FitRequest, FitReply>(worker, { type: 'init', model: serialized }, HELPER)
        }
        if (outcome.failure || next >= keys.length) return null
        return await request<FitRequest, FitReply>(helper.worker, { type: 'fit', task: load(keys[next++]!) }, HELPER)
      } finally {
        release?.()
      }
    }
    const lanes = Math.max(1, Math.min(options.threads, keys.length))
    await Promise.allSettled(
      Array.from({ length: lanes }, async () => {
        const helper: { worker: Worker | null } = { worker: null }
        while (next < keys.length && !outcome.failure && !hooks.shouldStop?.()) {
          try {
            const reply = await handOut(helper)
            if (!reply) return
            if (reply.type !== 'fitted') throw new Error(`${HELPER}: unexpected reply '${reply.type}'`)
            if (!outcome.failure) hooks.onFit(reply.key, { ...reply.fit, faces: model.template.faces })
          } catch (error) {
            fail(error)
          }
        }
      }),
    )
    if (outcome.failure) throw outcome.failure.error
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

/**
 * Fits the images together on the GPU `choice` opens (gpu/gpu-fit), GPU_FIT_BATCH at a time, in
 * a helper thread when there is a built worker; the device is opened once for the call and let go
 * at its end. False when `choice` found no GPU (`auto` without a hardware adapter): the CPU fits
 * them. `gpu` with none throws GpuUnavailableError naming why.
 */
async function fitOnGpu(model: CategoryModel, keys: readonly string[], load: (key: string) => FitTask, options: FitPoolOptions, hooks: FitHooks, choice: DeviceChoice): Promise<boolean> {
  // Asked here first: a machine with no GPU starts no helper to find that out.
  if ((await checkEngineDevice(choice)).device === 'cpu') return false
  const fitter = options.workerFile === null ? await openGpuFitter(model, choice) : await openGpuFitterThread(model, choice, options.workerFile)
  if (!fitter) return false
  try {
    hooks.onDevice?.(fitter.ranOn)
    for (let start = 0; start < keys.length; start += GPU_FIT_BATCH) {
      if (hooks.shouldStop?.()) break
      const batch = keys.slice(start, start + GPU_FIT_BATCH)
      const release = await options.slots?.acquire()
      try {
        const fits = await fitter.fit(batch.map(load))
        fits.forEach((fit, i) => hooks.onFit(batch[i]!, { ...fit, faces: model.template.faces }))
      } finally {
        release?.()
      }
    }
  } finally {
    await fitter.close()
  }
  return true
}
