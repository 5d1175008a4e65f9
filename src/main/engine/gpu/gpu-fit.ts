/// <reference types="@webgpu/types" />
import { finishFit, fitSteps, startFit } from '../infer/fit-image'
import type { FitCandidates, FitImageInput, FitOptions } from '../infer/fit-image'
import { viewLossWeights } from '../model/config'
import { categoryForward } from '../model/category-model'
import type { CategoryModel } from '../model/category-model'
import { perImageParams } from '../train/checkpoint'
import { imageBackward } from '../train/image-step'
import { chamferSamples } from '../train/training-data'
import { createGpuImageEngine, gpuImageSteps } from './gpu-image-steps'
import { MAX_EVALUATIONS } from './view-batch'

/**
 * Fits several images with the category frozen on a WebGPU device, together: fit-image's fit
 * (same start, same seeded chamfer samples per image, same decisions and Adam, on the CPU), with
 * every image's hypotheses and mirrors scored in one submission per step and the best views'
 * gradients in a second. Images whose masks or feature grids differ in size are fitted in
 * separate batches (the kernels take one size), and a batch holds no more images than one
 * submission can score (view-batch's MAX_EVALUATIONS); the fits do not depend on the batching.
 * The device stays open: it belongs to the caller.
 */
export async function fitImagesOnGpu(device: GPUDevice, model: CategoryModel, images: readonly FitImageInput[], options: FitOptions = {}): Promise<FitCandidates[]> {
  const groups = new Map<string, number[]>()
  images.forEach(({ mask, features }, k) => {
    const key = `${mask.width}x${mask.height}/${features.width}x${features.height}`
    groups.set(key, [...(groups.get(key) ?? []), k])
  })
  const out: FitCandidates[] = new Array(images.length)
  const perBatch = Math.max(1, Math.floor(MAX_EVALUATIONS / (2 * model.config.hypotheses)))
  for (const group of groups.values()) {
    for (let from = 0; from < group.length; from += perBatch) {
      const part = group.slice(from, from + perBatch)
      const fits = await fitBatch(device, model, part.map((k) => images[k]!), options)
      part.forEach((k, i) => (out[k] = fits[i]!))
    }
  }
  return out
}

async function fitBatch(device: GPUDevice, model: CategoryModel, images: readonly FitImageInput[], options: FitOptions): Promise<FitCandidates[]> {
  const shape = categoryForward(model)
  const { cameras, codes } = perImageParams(model.config, images.length)
  const starts = images.map((image, row) => startFit(model, shape, image, options, cameras, row))
  const weights = viewLossWeights(model.config)
  const rows = starts.map((_, row) => row)
  const engine = await createGpuImageEngine(device, model, starts.map((s) => s.target))
  try {
    for (let s = 0; s < fitSteps(options); s++) {
      const batch = starts.map((start, row) => ({ row, samples: chamferSamples(start.target, model.config.chamferSamples, start.rng) }))
      const done = await gpuImageSteps(engine, { model, cameras, codes }, shape, batch, weights, 1, [batch.length])
      done.images.forEach(({ kept, loss, switches, gV, gQ, fieldInput }, row) => {
        const input = { model, shape, target: starts[row]!.target, cameras, codes, row, samples: batch[row]!.samples, weights, gradScale: 1, category: null }
        imageBackward(input, kept, gV, gQ, loss, switches, fieldInput)
      })
      cameras.step(rows)
      codes.step(rows)
    }
  } finally {
    engine.destroy()
  }
  return starts.map((start, row) => finishFit(model, shape, start.target, cameras, codes, row))
}
