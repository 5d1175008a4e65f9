/// <reference types="@webgpu/types" />
import type { ViewTarget } from '../losses/view-target'
import { mlpParams } from '../math/mlp'
import type { TrainState } from '../train/checkpoint'
import { imageBackward } from '../train/image-step'
import { IMAGE_TERMS, imageTerms, shardAccumulators, shardResult } from '../train/shards'
import type { ShardResult } from '../train/shards'
import type { ShardExecutor } from '../train/train-category'
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
 * gradients. The instance forward pass (basis, feature field, pose), the regularisers, the
 * backward pass into the code and the category, and Adam stay on the CPU; the shard results
 * are the CPU engine's, so checkpoints and resumes do not depend on the device.
 *
 * The targets are uploaded once and stay on the device; a step uploads its instances' vertices,
 * normals and features, its cameras and chamfer samples, and reads back losses and gradients.
 */
export async function createGpuShardExecutor(device: GPUDevice, state: TrainState, targets: readonly ViewTarget[]): Promise<GpuShardExecutor> {
  const engine = await createGpuImageEngine(device, state.model, targets)
  const executor: ShardExecutor = async (st, tg, getShape, plan, profile) => {
    if (tg.length !== targets.length) throw new Error(`GPU executor: ${tg.length} targets, the device holds ${targets.length}`)
    const { cameras, codes } = st
    const shape = getShape()
    const n = st.model.template.vertexCount
    const images = plan.shards.flatMap((s) => s.rows.map((row, i) => ({ row, samples: s.samples[i]! })))
    let shardEnd = 0
    const ends = plan.shards.map((s) => (shardEnd += s.rows.length))
    const done = await gpuImageSteps(engine, st, shape, images, plan.weights, plan.gradScale, ends, profile)
    const fieldParams = st.model.featureField ? mlpParams(st.model.featureField) : []

    let b = 0
    return plan.shards.map((s, si): ShardResult => {
      const category = shardAccumulators(st.model)
      const terms = new Float64Array(s.rows.length * IMAGE_TERMS.length)
      s.rows.forEach((row, i) => {
        const { kept, loss, switches, gV, gQ, fieldInput } = done.images[b]!
        const input = { model: st.model, shape, target: tg[row]!, cameras, codes, row, samples: s.samples[i]!, weights: plan.weights, gradScale: plan.gradScale, category, profile }
        const r = imageBackward(input, kept, gV, gQ, loss, switches, fieldInput)
        terms.set(imageTerms(r, n), i * IMAGE_TERMS.length)
        b++
      })
      if (done.fieldWeights) {
        let o = 0
        for (const p of fieldParams) {
          const g = done.fieldWeights[si]!
          for (let q = 0; q < p.grad.length; q++) p.grad[q]! += g[o + q]!
          o += p.grad.length
        }
      }
      return shardResult({ model: st.model, cameras, codes }, s.rows, category, terms)
    })
  }
  return { executor, dispose: () => engine.destroy() }
}
