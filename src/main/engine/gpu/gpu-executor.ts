/// <reference types="@webgpu/types" />
import type { ViewTarget } from '../losses/view-target'
import { mlpParams } from '../math/mlp'
import type { TrainState } from '../train/checkpoint'
import { imageBackward, instanceRegularisers, timed } from '../train/image-step'
import type { ImageStepInput, ImageStepResult } from '../train/image-step'
import { instanceSize } from '../model/config'
import { IMAGE_TERMS, addInto, imageTerms, shardAccumulators, shardResult } from '../train/shards'
import type { ShardResult } from '../train/shards'
import type { ShardExecutor } from '../train/train-category'
import type { Instance } from '../model/category-model'
import { createGpuImageEngine, gpuImageSteps } from './gpu-image-steps'

export interface GpuShardExecutor {
  executor: ShardExecutor
  /** Frees the device buffers (the device itself stays open: it belongs to the caller). */
  dispose(): void
}

/**
 * A step's shards with the per-view work on a WebGPU device (METHOD §9's step, the CPU engine's
 * semantics in f32): every image's hypotheses and their mirror cameras are scored in one
 * submission (visibility, the three loss terms, camera gradients), the CPU settles the mirror
 * switches and picks each image's best hypothesis from the read-back losses exactly as
 * image-step does, and a second submission returns the best views' vertex and feature
 * gradients. For `semagic` without articulation the backward pass into the codes and the
 * category (gV0, gB, the features: per shard) follows on the device from those gradients, with
 * the regularisers' dL/dD from the CPU, so they are never read back. The instance forward pass
 * (basis, feature field, pose), the regularisers, the other variants' backward pass and Adam
 * stay on the CPU; the shard results are the CPU engine's, so checkpoints and resumes do not
 * depend on the device.
 *
 * The targets are uploaded once and stay on the device; a step uploads its instances' vertices,
 * normals and features, its cameras and chamfer samples, and reads back losses and gradients.
 *
 * A training job on a GPU uses this executor for articulated models and normal consistency; every
 * variant without them runs whole steps with its state resident on the device instead
 * (gpu/resident-trainer: forward, fields, regularisers, backward and Adam as kernels, the
 * parameters read back only at checkpoints).
 */
export async function createGpuShardExecutor(device: GPUDevice, state: TrainState, targets: readonly ViewTarget[]): Promise<GpuShardExecutor> {
  const engine = await createGpuImageEngine(device, state.model, targets)
  const executor: ShardExecutor = async (st, tg, getShape, plan, profile) => {
    if (tg.length !== targets.length) throw new Error(`GPU executor: ${tg.length} targets, the device holds ${targets.length}`)
    const { cameras, codes } = st
    const shape = getShape()
    const n = st.model.template.vertexCount
    const images = plan.shards.flatMap((s) => s.rows.map((row, i) => ({ row, samples: s.samples[i]!, prior: s.priors[i]! })))
    let shardEnd = 0
    const ends = plan.shards.map((s) => (shardEnd += s.rows.length))
    const inputs = images.map(({ row, samples }): ImageStepInput => ({ model: st.model, shape, target: tg[row]!, cameras, codes, row, samples, weights: plan.weights, gradScale: plan.gradScale, category: null, profile }))
    const regularisers: ImageStepResult['regularisers'][] = []
    const deviceBackward = (kept: readonly Instance[]): Float64Array => {
      const gD = new Float64Array(kept.length * 3 * n)
      kept.forEach((inst, b) => {
        const r = timed(profile, 'shape backward', () => instanceRegularisers(inputs[b]!, inst))
        regularisers.push(r.regularisers)
        gD.set(r.gD, b * 3 * n)
      })
      return gD
    }
    const done = await gpuImageSteps(engine, st, shape, images, plan.weights, plan.gradScale, ends, profile, deviceBackward)
    const fieldParams = st.model.featureField ? mlpParams(st.model.featureField) : []
    const K = st.model.config.codeDims

    let b = 0
    return plan.shards.map((s, si): ShardResult => {
      const category = shardAccumulators(st.model)
      const terms = new Float64Array(s.rows.length * IMAGE_TERMS.length)
      const keptAzimuths = new Float64Array(s.rows.length)
      s.rows.forEach((row, i) => {
        const { kept, loss, switches, keptAzimuth, gV, gQ, fieldInput, gz } = done.images[b]!
        let r: ImageStepResult
        if (gz) {
          const row0 = row * instanceSize(st.model.config)
          for (let k = 0; k < K; k++) codes.grad[row0 + k]! += gz[k]!
          r = { bestLoss: loss, regularisers: regularisers[b]!, mirrorSwitches: switches, keptAzimuth }
        } else {
          r = { ...imageBackward({ ...inputs[b]!, category }, kept, gV, gQ, loss, switches, fieldInput), keptAzimuth }
        }
        terms.set(imageTerms(r, n), i * IMAGE_TERMS.length)
        keptAzimuths[i] = keptAzimuth
        b++
      })
      const group = done.category?.[si]
      if (group) {
        category.gV0.set(group.gV0)
        category.gB.set(group.gB)
        addInto(st.model.features!.grad, group.features)
      }
      if (done.fieldWeights) {
        let o = 0
        for (const p of fieldParams) {
          const g = done.fieldWeights[si]!
          for (let q = 0; q < p.grad.length; q++) p.grad[q]! += g[o + q]!
          o += p.grad.length
        }
      }
      return shardResult({ model: st.model, cameras, codes }, s.rows, category, terms, keptAzimuths)
    })
  }
  return { executor, dispose: () => engine.destroy() }
}
