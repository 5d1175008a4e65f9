import { Worker } from 'node:worker_threads'
import type { DeviceChoice, RanOn } from '../../shared/device'
import { openEngineDevice, ranOn } from '../engine/gpu/adapter'
import { fitImagesOnGpu } from '../engine/gpu/gpu-fit'
import type { CategoryModel } from '../engine/model/category-model'
import { serializeModel } from '../engine/train/checkpoint'
import type { FitReply, FitRequest, FitTask, PortableFit } from './train-protocol'
import { request } from './worker-request'

/** Fits images together on an open device (gpu/gpu-fit), until closed. */
export interface GpuFitter {
  ranOn: RanOn
  fit(tasks: FitTask[]): Promise<PortableFit[]>
  /** Lets the device go (device.destroy()). */
  close(): Promise<void>
}

const HELPER = 'GPU mesh fitting helper'

/** A fitter on the device `choice` opens in this thread, or null when it opens the CPU (`auto` with no hardware adapter). */
export async function openGpuFitter(model: CategoryModel, choice: DeviceChoice): Promise<GpuFitter | null> {
  const opened = await openEngineDevice(choice)
  if (opened.kind === 'cpu') return null
  return {
    ranOn: ranOn(opened),
    fit: async (tasks) =>
      (await fitImagesOnGpu(opened.device, model, tasks)).map(({ best }) => {
        const { faces: _faces, ...fit } = best
        return fit
      }),
    close: async () => opened.device.destroy(),
  }
}

/**
 * The same fitter in a fitting helper thread (the train worker's `fit` role), so that the thread
 * answering the studio stays free during the fits' CPU work: the helper opens the device, keeps
 * it for every batch, and destroys it when closed. Null when the helper found no GPU.
 */
export async function openGpuFitterThread(model: CategoryModel, choice: DeviceChoice, workerFile: string): Promise<GpuFitter | null> {
  const worker = new Worker(workerFile, { workerData: { role: 'fit' } })
  try {
    await request<FitRequest, FitReply>(worker, { type: 'init', model: serializeModel(model) }, HELPER)
    const opened = await request<FitRequest, FitReply>(worker, { type: 'open', device: choice }, HELPER)
    if (opened.type !== 'opened') throw new Error(`${HELPER}: unexpected reply '${opened.type}'`)
    if (opened.ranOn.device === 'cpu') {
      await worker.terminate()
      return null
    }
    return {
      ranOn: opened.ranOn,
      fit: async (tasks) => {
        const reply = await request<FitRequest, FitReply>(worker, { type: 'fitBatch', tasks }, HELPER)
        if (reply.type !== 'fittedBatch') throw new Error(`${HELPER}: unexpected reply '${reply.type}'`)
        return reply.fits
      },
      close: async () => {
        try {
          await request<FitRequest, FitReply>(worker, { type: 'close' }, HELPER)
        } finally {
          await worker.terminate()
        }
      },
    }
  } catch (error) {
    await worker.terminate()
    throw error
  }
}
