import { viewLossWeights } from '../model/config'
import type { LossWeights } from '../losses/view-loss'
import type { ViewTarget } from '../losses/view-target'
import type { Param } from '../math/adam'
import { categoryParams } from '../model/category-model'
import type { CategoryModel, CategoryShape } from '../model/category-model'
import type { TrainState } from './checkpoint'
import { imageStep } from './image-step'
import type { ImageStepResult, StepProfile } from './image-step'
import { chamferSamples } from './training-data'

/**
 * Data-parallel steps. A step's batch is split into TRAIN_SHARDS contiguous shards; each shard's
 * images accumulate their gradients into buffers of the shard's own, and the shards' buffers are
 * summed in shard order. The bits of a step therefore depend on the shard count, never on how
 * many threads computed the shards: one thread running both shards and two threads running one
 * each produce the same shard results and the same sums. The count is a constant, not a setting,
 * so that every run (and every resume) sums the same way on any machine.
 */
export const TRAIN_SHARDS = 2

/** One shard of a step: batch images (rows of cameras and codes) in batch order, with their chamfer samples. */
export interface ShardTask {
  rows: number[]
  samples: Float64Array[]
  /** Per row, its neighbours' kept azimuths as the step began (viewpoint-prior neighbourAzimuths); empty with the prior off. */
  priors: Float64Array[]
}

/** Everything drawn for a step before any image is evaluated (the generator's only use in a step). */
export interface StepPlan {
  batch: number[]
  shards: ShardTask[]
  weights: LossWeights
  featureWeight: number
  gradScale: number
}

/** Per-image loss terms, summed over the batch in batch order when the step finishes. */
export const IMAGE_TERMS = ['view', 'dt', 'chamfer', 'feature', 'visibleFraction', 'laplacianDeformation', 'edgeDeformation', 'deformation', 'code', 'articulation', 'mirrorSwitches'] as const

export interface ShardResult {
  /** Per image of the shard, the values of IMAGE_TERMS in that order. */
  terms: Float64Array
  /** Per image of the shard, the azimuth of the hypothesis it kept. */
  keptAzimuths: Float64Array
  /** The shard's dL/dV0 and dL/dB (symmetrised quantities), summed over its images. */
  gV0: Float64Array
  gB: Float64Array
  /** Gradients the images put directly into category parameters, in categoryParams order. */
  params: Float64Array[]
  /** The shard's rows of the cameras (values and first moments change on a mirror switch; gradients) and codes (gradients). */
  cameraValue: Float32Array
  cameraM: Float32Array
  cameraGrad: Float64Array
  codeGrad: Float64Array
}

/** Draws the step's batch and chamfer samples (in the order a one-shard step always drew them) and splits the batch. */
export function planStep(state: TrainState, targets: readonly ViewTarget[]): StepPlan {
  const { config, rng } = state
  const batch = rng.sample(targets.length, config.batchSize)
  const samples = batch.map((row) => chamferSamples(targets[row]!, config.chamferSamples, rng))
  const ramp = config.featureWeightRamp * config.steps
  const featureWeight = config.weights.feature * (ramp > 0 ? Math.min(1, state.step / ramp) : 1)
  const weights = viewLossWeights(config, featureWeight)
  // Read before any image of the step keeps a new azimuth, so that shards agree however they run.
  const priorOf = priorSource(state)
  const priors = batch.map(priorOf)
  const shards = Array.from({ length: TRAIN_SHARDS }, (_, s) => {
    const from = Math.floor((s * batch.length) / TRAIN_SHARDS)
    const to = Math.floor(((s + 1) * batch.length) / TRAIN_SHARDS)
    return { rows: batch.slice(from, to), samples: samples.slice(from, to), priors: priors.slice(from, to) }
  })
  return { batch, shards, weights, featureWeight, gradScale: 1 / batch.length }
}

/** Each row's viewpoint prior as the state stands; none with the prior off. */
function priorSource(state: TrainState): (row: number) => Float64Array {
  return state.viewpointPrior ? state.viewpointPrior(state.keptAzimuths) : () => new Float64Array(0)
}

export interface ShardContext {
  model: CategoryModel
  shape: CategoryShape
  targets: readonly ViewTarget[]
  cameras: Param
  codes: Param
}

function gatherRows<T extends Float32Array | Float64Array>(src: T, rows: readonly number[], size: number, out: T): T {
  rows.forEach((r, i) => out.set(src.subarray(r * size, (r + 1) * size), i * size))
  return out
}

function scatterRows(dst: Float32Array | Float64Array, rows: readonly number[], size: number, src: Float32Array | Float64Array): void {
  rows.forEach((r, i) => dst.set(src.subarray(i * size, (i + 1) * size), r * size))
}

/**
 * One shard's images. Expects the category parameters' gradients and the shard rows' camera
 * and code gradients at zero; leaves the category gradients at zero again (they are returned).
 * Whatever thread runs it, equal inputs give equal bits.
 */
export function runShard(ctx: ShardContext, plan: StepPlan, shard: number, profile?: StepProfile): ShardResult {
  const { model, shape, targets, cameras, codes } = ctx
  const { rows, samples, priors } = plan.shards[shard]!
  const category = shardAccumulators(model)
  const terms = new Float64Array(rows.length * IMAGE_TERMS.length)
  const kept = new Float64Array(rows.length)
  rows.forEach((row, i) => {
    const r = imageStep({ model, shape, target: targets[row]!, cameras, codes, row, samples: samples[i]!, prior: priors[i]!, weights: plan.weights, gradScale: plan.gradScale, category, profile })
    terms.set(imageTerms(r, model.template.vertexCount), i * IMAGE_TERMS.length)
    kept[i] = r.keptAzimuth
  })
  return shardResult(ctx, rows, category, terms, kept)
}

/** A shard's dL/dV0 and dL/dB accumulators, at zero. */
export function shardAccumulators(model: CategoryModel): { gV0: Float64Array; gB: Float64Array } {
  const n = model.template.vertexCount
  return { gV0: new Float64Array(3 * n), gB: new Float64Array(3 * n * model.config.codeDims) }
}

/** An image's values of IMAGE_TERMS, in that order. */
export function imageTerms(r: ImageStepResult, vertexCount: number): number[] {
  return [
    r.bestLoss.total,
    r.bestLoss.dt,
    r.bestLoss.chamfer,
    r.bestLoss.feature,
    r.bestLoss.visibleCount / vertexCount,
    r.regularisers.laplacianDeformation,
    r.regularisers.edgeDeformation,
    r.regularisers.deformation,
    r.regularisers.code,
    r.regularisers.articulation,
    r.mirrorSwitches,
  ]
}

/** Packs a finished shard: takes (and clears) the category parameters' gradients, gathers its rows of cameras and codes. */
export function shardResult(ctx: Pick<ShardContext, 'model' | 'cameras' | 'codes'>, rows: readonly number[], category: { gV0: Float64Array; gB: Float64Array }, terms: Float64Array, keptAzimuths: Float64Array): ShardResult {
  const { model, cameras, codes } = ctx
  const params = categoryParams(model).map((p) => {
    const g = p.grad.slice()
    p.grad.fill(0)
    return g
  })
  const camRow = cameras.rowSize
  const K = codes.rowSize
  return {
    terms,
    keptAzimuths,
    gV0: category.gV0,
    gB: category.gB,
    params,
    cameraValue: gatherRows(cameras.value, rows, camRow, new Float32Array(rows.length * camRow)),
    cameraM: gatherRows(cameras.m, rows, camRow, new Float32Array(rows.length * camRow)),
    cameraGrad: gatherRows(cameras.grad, rows, camRow, new Float64Array(rows.length * camRow)),
    codeGrad: gatherRows(codes.grad, rows, K, new Float64Array(rows.length * K)),
  }
}

/**
 * Puts the shards' results into the state, in shard order: rows back into cameras and codes,
 * category gradients summed into the parameters and into the returned accumulators, and the
 * batch's loss terms (means, summed in batch order).
 */
export function combineShards(state: TrainState, plan: StepPlan, results: readonly ShardResult[]): { gV0: Float64Array; gB: Float64Array; sums: Record<string, number> } {
  const { model, cameras, codes } = state
  if (results.length !== plan.shards.length) throw new Error(`training: ${results.length} shard results for ${plan.shards.length} shards`)
  const n = model.template.vertexCount
  const gV0 = new Float64Array(3 * n)
  const gB = new Float64Array(3 * n * model.config.codeDims)
  const params = categoryParams(model)
  const sums: Record<string, number> = {}
  for (const [s, r] of results.entries()) {
    const { rows } = plan.shards[s]!
    addInto(gV0, r.gV0)
    addInto(gB, r.gB)
    params.forEach((p, k) => addInto(p.grad, r.params[k]!))
    scatterRows(cameras.value, rows, cameras.rowSize, r.cameraValue)
    scatterRows(cameras.m, rows, cameras.rowSize, r.cameraM)
    scatterRows(cameras.grad, rows, cameras.rowSize, r.cameraGrad)
    scatterRows(codes.grad, rows, codes.rowSize, r.codeGrad)
    rows.forEach((row, i) => (state.keptAzimuths[row] = r.keptAzimuths[i]!))
    addImageTerms(sums, r.terms, rows.length, plan.batch.length)
  }
  return { gV0, gB, sums }
}

/** Adds `images` images' IMAGE_TERMS (image-major), each over `batch`, into `sums`, in image order. */
export function addImageTerms(sums: Record<string, number>, terms: ArrayLike<number>, images: number, batch: number): void {
  for (let i = 0; i < images; i++) {
    IMAGE_TERMS.forEach((name, t) => {
      sums[name] = (sums[name] ?? 0) + terms[i * IMAGE_TERMS.length + t]! / batch
    })
  }
}

/** What a helper thread needs of the state for one shard: category values, and its rows of cameras and codes. */
export interface ShardInputs {
  params: Float32Array[]
  cameraValue: Float32Array
  cameraM: Float32Array
  codeValue: Float32Array
}

export function shardInputs(state: TrainState, plan: StepPlan, shard: number): ShardInputs {
  const { rows } = plan.shards[shard]!
  const { cameras, codes } = state
  return {
    params: categoryParams(state.model).map((p) => p.value.slice()),
    cameraValue: gatherRows(cameras.value, rows, cameras.rowSize, new Float32Array(rows.length * cameras.rowSize)),
    cameraM: gatherRows(cameras.m, rows, cameras.rowSize, new Float32Array(rows.length * cameras.rowSize)),
    codeValue: gatherRows(codes.value, rows, codes.rowSize, new Float32Array(rows.length * codes.rowSize)),
  }
}

/** A helper's copy of the state made equal to the coordinator's for the shard's rows (their gradients cleared). */
export function applyShardInputs(model: CategoryModel, cameras: Param, codes: Param, rows: readonly number[], inputs: ShardInputs): void {
  const params = categoryParams(model)
  if (params.length !== inputs.params.length) throw new Error(`training shard: ${inputs.params.length} parameter tensors for a model of ${params.length}`)
  params.forEach((p, k) => {
    p.value.set(inputs.params[k]!)
    p.grad.fill(0)
  })
  scatterRows(cameras.value, rows, cameras.rowSize, inputs.cameraValue)
  scatterRows(cameras.m, rows, cameras.rowSize, inputs.cameraM)
  scatterRows(codes.value, rows, codes.rowSize, inputs.codeValue)
  for (const r of rows) {
    cameras.grad.fill(0, r * cameras.rowSize, (r + 1) * cameras.rowSize)
    codes.grad.fill(0, r * codes.rowSize, (r + 1) * codes.rowSize)
  }
}

export function addInto(dst: Float64Array, src: ArrayLike<number>): void {
  for (let q = 0; q < src.length; q++) dst[q]! += src[q]!
}
