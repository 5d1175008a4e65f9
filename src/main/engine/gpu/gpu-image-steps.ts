/// <reference types="@webgpu/types" />
import { AZIMUTH, CAMERA_SIZE, mirrorCamera } from '../camera/view-camera'
import type { LossWeights, ViewLoss } from '../losses/view-loss'
import type { ViewTarget } from '../losses/view-target'
import type { Param } from '../math/adam'
import { fourierEncode } from '../math/fourier'
import type { CategoryModel, CategoryShape, Instance } from '../model/category-model'
import { instanceSize } from '../model/config'
import { bestHypothesis, imageInstances, keptInstance, priorLosses, settleHypothesis, timed, timedAsync } from '../train/image-step'
import type { StepProfile } from '../train/image-step'
import { GpuFeatureField } from './field-batch'
import { GpuInstanceBackward } from './instance-backward'
import type { InstanceGroupGrads } from './instance-backward'
import { GpuViewBatch } from './view-batch'
import type { GpuEvaluation, GpuFeatureBlock, GpuView } from './view-batch'

/**
 * The device side of the engine for one model and one set of targets: the view kernels, the
 * feature field's when the model has one, and the instance backward pass's for a model with a
 * per-vertex basis and features and no articulation (`semagic`).
 */
export interface GpuImageEngine {
  kernels: GpuViewBatch
  field: GpuFeatureField | null
  backward: GpuInstanceBackward | null
  destroy(): void
}

/** Compiles the kernels and uploads the targets (they stay resident); `targets[k]` is row k's. */
export async function createGpuImageEngine(device: GPUDevice, model: CategoryModel, targets: readonly ViewTarget[]): Promise<GpuImageEngine> {
  const kernels = await GpuViewBatch.create(device, targets, model.template.faces, model.template.vertexCount, model.config.visibility)
  let field: GpuFeatureField | null = null
  let backward: GpuInstanceBackward | null = null
  try {
    field = model.featureField ? await GpuFeatureField.create(device, model.featureField) : null
    if (model.basis && model.features && !model.rig) backward = await GpuInstanceBackward.create(device, model.template.vertexCount, model.config.codeDims, model.channels)
  } catch (error) {
    kernels.destroy()
    field?.destroy()
    throw error
  }
  return {
    kernels,
    field,
    backward,
    destroy: () => {
      kernels.destroy()
      field?.destroy()
      backward?.destroy()
    },
  }
}

/** One image of a batch: its row of the cameras and codes (and index of its resident target) and its chamfer samples. */
export interface GpuStepImage {
  row: number
  samples: Float64Array
  /** Its neighbours' kept azimuths for the viewpoint prior (image-step's `prior`). */
  prior?: Float64Array
}

/**
 * What image-step's imageBackward needs of an image once its views are scored and its best view's
 * gradients are known; with the instance backward pass on the device, gV and gQ are empty and
 * `gz` holds dL/d(code row) of the views, scaled.
 */
export interface GpuImageGradients {
  kept: Instance
  loss: ViewLoss
  switches: number
  /** The kept hypothesis' azimuth. */
  keptAzimuth: number
  /** dL/d(posed vertices) and dL/d(vertex features) of the best view, unscaled (gQ empty with the field on the device). */
  gV: Float64Array
  gQ: Float64Array
  /** With the field on the device: dL/d(its encoded input), scaled. */
  fieldInput?: Float64Array
  gz?: Float32Array
}

/**
 * Runs the instance backward pass on the device when the engine has it: called with each image's
 * kept instance in batch order once the choices are made, it returns their dL/dD (images x 3n,
 * unscaled; the CPU's regularisers).
 */
export type DeviceBackward = (kept: readonly Instance[]) => Float64Array

/**
 * The per-view work of a step for a batch of images on the device (METHOD §9, image-step's
 * semantics in f32): every image's hypotheses and their mirror cameras are scored in one
 * submission, the CPU settles the mirror switches (camera gradients into `cameras.grad`) and
 * picks each image's best hypothesis from the read-back losses exactly as image-step does, and a
 * second submission returns the best views' vertex and feature gradients (through the feature
 * field's backward pass on the device when the model has one; its weight gradients per group of
 * images ending at `groupEnds`, in images). Given `deviceBackward` and an engine with the
 * instance backward kernels, those gradients stay on the device and the backward pass into the
 * codes and the category follows there: `category` holds each group's sums, each image its gz.
 */
export async function gpuImageSteps(
  engine: GpuImageEngine,
  st: { model: CategoryModel; cameras: Param; codes: Param },
  shape: CategoryShape,
  images: readonly GpuStepImage[],
  weights: LossWeights,
  gradScale: number,
  groupEnds: readonly number[],
  profile?: StepProfile,
  deviceBackward?: DeviceBackward,
): Promise<{ images: GpuImageGradients[]; fieldWeights: Float32Array[] | null; category: InstanceGroupGrads[] | null }> {
  const { kernels, field } = engine
  const { model, cameras, codes } = st
  const { config } = model
  const H = config.hypotheses
  const n = model.template.vertexCount
  const instances = images.map((im) => imageInstances(model, shape, codes, im.row * instanceSize(config), profile, field !== null))
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
  const scores = await timedAsync(profile, 'gpu scoring', () => kernels.score({ views, blocks: onDevice ?? blocks, samples: images.map((im) => im.samples), evaluations, weights }))

  // The decisions, on the CPU from the read-back losses (image-step's rules).
  const chosen = timed(profile, 'decisions', () =>
    images.map((im, b) => {
      let switches = 0
      const picked: number[] = []
      for (let h = 0; h < H; h++) {
        const e = (b * H + h) * per
        const own = scores[e]!
        const mirror = config.mirrorScoring ? { loss: scores[e + 1]!.loss, camera: mirrored[b * H + h]! } : null
        const toMirror = settleHypothesis(model, cameras, (im.row * H + h) * CAMERA_SIZE, own.loss, own.camera, mirror, gradScale)
        if (toMirror) switches++
        picked.push(toMirror ? e + 1 : e)
      }
      const base = im.row * H * CAMERA_SIZE
      const best = bestHypothesis(priorLosses(picked.map((e) => scores[e]!.loss.total), cameras.value, base, im.prior, config.viewpointPrior))
      const kept = keptInstance(model, codes, im.row * instanceSize(config), picked[best] !== (b * H + best) * per, instances[b]!.inst, instances[b]!.mirror)
      return { evaluation: picked[best]!, kept, switches, keptAzimuth: cameras.value[base + best * CAMERA_SIZE + AZIMUTH]! }
    }),
  )
  if (engine.backward && deviceBackward) {
    const backward = engine.backward
    const gD = deviceBackward(chosen.map((c) => c.kept))
    const K = config.codeDims
    const z = new Float64Array(images.length * K)
    images.forEach((im, b) => z.set(codes.value.subarray(im.row * instanceSize(config), im.row * instanceSize(config) + K), b * K))
    await timedAsync(profile, 'gpu best hypothesis', () => kernels.bestGradientsOnDevice(chosen.map((c) => c.evaluation)))
    const back = await timedAsync(profile, 'gpu backward', () => backward.run(kernels.deviceGradients(), gD, z, shape.B, gradScale, groupEnds))
    const empty = new Float64Array(0)
    return {
      images: chosen.map(({ evaluation, kept, switches, keptAzimuth }, b) => ({ kept, loss: scores[evaluation]!.loss, switches, keptAzimuth, gV: empty, gQ: empty, gz: back.gz.subarray(b * K, (b + 1) * K) })),
      fieldWeights: null,
      category: back.groups,
    }
  }
  const grads = await timedAsync(profile, 'gpu best hypothesis', () => kernels.bestGradients(chosen.map((c) => c.evaluation)))
  // The field's backward pass from the best views' feature gradients (one block per image, in batch order).
  const fieldGrads = field
    ? await timedAsync(profile, 'gpu feature field', () => {
        const { buffer, features } = kernels.deviceGradients()
        return field.backward(buffer, features, gradScale, groupEnds.map((end) => end * n))
      })
    : null
  const size = field ? n * field.inputs : 0
  return {
    images: chosen.map(({ evaluation, kept, switches, keptAzimuth }, b) => ({
      kept,
      loss: scores[evaluation]!.loss,
      switches,
      keptAzimuth,
      gV: Float64Array.from(grads[b]!.vertices),
      gQ: fieldGrads ? new Float64Array(0) : Float64Array.from(grads[b]!.features),
      ...(fieldGrads ? { fieldInput: Float64Array.from(fieldGrads.inputs.subarray(b * size, (b + 1) * size)) } : {}),
    })),
    fieldWeights: fieldGrads?.weights ?? null,
    category: null,
  }
}
