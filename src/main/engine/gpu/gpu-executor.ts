/// <reference types="@webgpu/types" />
import { CAMERA_SIZE, mirrorCamera } from '../camera/view-camera'
import type { ViewTarget } from '../losses/view-target'
import { fourierEncode } from '../math/fourier'
import { mlpParams } from '../math/mlp'
import type { Instance } from '../model/category-model'
import { instanceSize } from '../model/config'
import type { TrainState } from '../train/checkpoint'
import { bestHypothesis, imageBackward, imageInstances, keptInstance, settleHypothesis, timed, timedAsync } from '../train/image-step'
import { IMAGE_TERMS, imageTerms, shardAccumulators, shardResult } from '../train/shards'
import type { ShardResult } from '../train/shards'
import type { ShardExecutor } from '../train/train-category'
import { GpuFeatureField } from './field-batch'
import { GpuViewBatch } from './view-batch'
import type { GpuEvaluation, GpuFeatureBlock, GpuView } from './view-batch'

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
  const { model, config } = state
  const kernels = await GpuViewBatch.create(device, targets, model.template.faces, model.template.vertexCount, config.visibility)
  const field = model.featureField ? await GpuFeatureField.create(device, model.featureField) : null
  const executor: ShardExecutor = async (st, tg, getShape, plan, profile) => {
    if (tg.length !== targets.length) throw new Error(`GPU executor: ${tg.length} targets, the device holds ${targets.length}`)
    const { cameras, codes } = st
    const shape = getShape()
    const H = config.hypotheses
    const n = model.template.vertexCount
    const images = plan.shards.flatMap((s) => s.rows.map((row, i) => ({ row, samples: s.samples[i]! })))
    const instances = images.map((im) => imageInstances(st.model, shape, codes, im.row * instanceSize(config), profile, field !== null))
    if (field) {
      const encoded = new Float64Array(images.length * n * field.inputs)
      instances.forEach(({ inst }, b) => encoded.set(fourierEncode(inst.V, n, config.featureField.frequencies), b * n * field.inputs))
      await timedAsync(profile, 'gpu feature field', () => field.forward(encoded, images.length * n))
    }

    // Views: each image's instance, and its mirror-posed one when posed; feature blocks: the
    // shared per-vertex features once, or each image's field output (on the device).
    const views: GpuView[] = []
    const blocks: GpuFeatureBlock[] = []
    const ownView: number[] = []
    const mirrorView: number[] = []
    const addView = (inst: Instance, block: number): number => views.push({ vertices: inst.view.vertices, normals: inst.view.normals, featureBlock: block }) - 1
    instances.forEach(({ inst, mirror }, b) => {
      const block = field ? b : shape.Phi && blocks.length > 0 ? 0 : blocks.push({ features: inst.view.features, norms: inst.view.featureNorms }) - 1
      const own = addView(inst, block)
      ownView.push(own)
      mirrorView.push(mirror === inst ? own : addView(mirror, block))
    })
    const evaluations: GpuEvaluation[] = []
    const mirrored: Float64Array[] = []
    images.forEach((im, b) => {
      for (let h = 0; h < H; h++) {
        const o = (im.row * H + h) * CAMERA_SIZE
        evaluations.push({ view: ownView[b]!, target: im.row, samples: b, camera: Float64Array.from(cameras.value.subarray(o, o + CAMERA_SIZE)) })
        if (!config.mirrorScoring) continue
        const m = mirrorCamera(cameras.value, o)
        mirrored.push(m)
        evaluations.push({ view: mirrorView[b]!, target: im.row, samples: b, camera: m })
      }
    })
    const per = config.mirrorScoring ? 2 : 1
    const onDevice = field ? { count: images.length, ...field.output() } : null
    const scores = await timedAsync(profile, 'gpu scoring', () => kernels.score({ views, blocks: onDevice ?? blocks, samples: images.map((im) => im.samples), evaluations, weights: plan.weights }))

    // The decisions, on the CPU from the read-back losses (image-step's rules).
    const chosen = timed(profile, 'decisions', () =>
      images.map((im, b) => {
        let switches = 0
        const picked: number[] = []
        for (let h = 0; h < H; h++) {
          const e = (b * H + h) * per
          const own = scores[e]!
          const mirror = config.mirrorScoring ? { loss: scores[e + 1]!.loss, camera: mirrored[b * H + h]! } : null
          const toMirror = settleHypothesis(st.model, cameras, (im.row * H + h) * CAMERA_SIZE, own.loss, own.camera, mirror, plan.gradScale)
          if (toMirror) switches++
          picked.push(toMirror ? e + 1 : e)
        }
        const best = bestHypothesis(picked.map((e) => scores[e]!.loss.total))
        const kept = keptInstance(st.model, codes, im.row * instanceSize(config), picked[best] !== (b * H + best) * per, instances[b]!.inst, instances[b]!.mirror)
        return { evaluation: picked[best]!, kept, switches }
      }),
    )
    const grads = await timedAsync(profile, 'gpu best hypothesis', () => kernels.bestGradients(chosen.map((c) => c.evaluation)))
    // The field's backward pass from the best views' feature gradients (one block per image, in
    // batch order), its weight gradients per shard.
    let shardEnd = 0
    const fieldGrads = field
      ? await timedAsync(profile, 'gpu feature field', () => {
          const { buffer, offset } = kernels.featureGradients()
          return field.backward(buffer, offset, plan.gradScale, plan.shards.map((s) => (shardEnd += s.rows.length * n)))
        })
      : null
    const fieldParams = st.model.featureField ? mlpParams(st.model.featureField) : []

    let b = 0
    return plan.shards.map((s, si): ShardResult => {
      const category = shardAccumulators(st.model)
      const terms = new Float64Array(s.rows.length * IMAGE_TERMS.length)
      s.rows.forEach((row, i) => {
        const { evaluation, kept, switches } = chosen[b]!
        const input = { model: st.model, shape, target: tg[row]!, cameras, codes, row, samples: s.samples[i]!, weights: plan.weights, gradScale: plan.gradScale, category, profile }
        const size = fieldGrads ? n * field!.inputs : 0
        const fieldInput = fieldGrads ? Float64Array.from(fieldGrads.inputs.subarray(b * size, (b + 1) * size)) : undefined
        const gQ = fieldGrads ? new Float64Array(0) : Float64Array.from(grads[b]!.features)
        const r = imageBackward(input, kept, Float64Array.from(grads[b]!.vertices), gQ, scores[evaluation]!.loss, switches, fieldInput)
        terms.set(imageTerms(r, n), i * IMAGE_TERMS.length)
        b++
      })
      if (fieldGrads) {
        let o = 0
        for (const p of fieldParams) {
          const g = fieldGrads.weights[si]!
          for (let q = 0; q < p.grad.length; q++) p.grad[q]! += g[o + q]!
          o += p.grad.length
        }
      }
      return shardResult({ model: st.model, cameras, codes }, s.rows, category, terms)
    })
  }
  return {
    executor,
    dispose: () => {
      kernels.destroy()
      field?.destroy()
    },
  }
}
