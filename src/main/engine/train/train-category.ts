/**
 * Training one category (METHOD §3-§5, §9's recipe).
 *
 * Why plain TypeScript with hand-derived gradients rather than tfjs (measured on the project
 * machine, 2 vCPUs, Node 20; see ML-NOTES §3 for tfjs in Node):
 * - A step is ~400 small view evaluations (24 images x 8 hypotheses, their mirrors, the best
 *   one again), each a data-dependent loop: z-buffer visibility, nearest visible vertex for the
 *   chamfer, bilinear reads of constant maps. In tfjs each would be tens of ops; a tfjs-wasm op
 *   costs ~70 us to dispatch (2,000 tiny ops: 140 ms), so dispatch alone would exceed the whole
 *   step's budget, and tf.gather's gradient does not exist on wasm.
 * - The only dense maths, the position-only deformation field (642 points once per step) and
 *   the feature field of the field variants (24 x 642 points), runs at 0.7-0.9 GMAC/s in
 *   blocked JS loops against ~6 GMAC/s for a tfjs-wasm matMul: ~0.3 s per step, paid only by
 *   the field variants, for one code path and no backend in the loop.
 * - Measured default step (642 vertices, batch 24, 8 hypotheses + mirrors, 64 channels): 221 ms
 *   for `semagic` (600 steps in 2.2 min, METHOD §9's PyTorch recipe took ~3 min), 502 ms for
 *   `baseline` (5.0 min); the z-buffer visibility is a third of `semagic`'s step.
 * - Determinism: float64 arithmetic in a fixed order over float32 parameters, so a resumed run
 *   equals an uninterrupted one bit for bit (V8's Math functions are its own software ones, so
 *   the same Node version gives the same bits on any CPU); no backend in the loop to vary.
 * Step cost and its split: bench/engine-train.bench.ts and BENCHMARKS.md.
 *
 * Cameras and codes are auto-decoded (free per-image parameters, no encoder).
 */
import { CAMERA_SIZE } from '../camera/view-camera'
import { SeededRandom } from '../math/seeded-random'
import { categoryBackward, categoryForward, categoryParams, createCategoryModel } from '../model/category-model'
import type { CategoryModel } from '../model/category-model'
import { resolveConfig } from '../model/config'
import type { EngineConfigInput } from '../model/config'
import { ellipsoidFromBoxes, initialCameras } from '../model/initialisation'
import { laplacianEnergy } from '../template/laplacian'
import { symmetrise } from '../template/symmetry'
import type { ViewTarget } from '../losses/view-target'
import { deserializeTrainState, perImageParams, serializeTrainState } from './checkpoint'
import type { SerializedTrainState, TrainState } from './checkpoint'
import { imageStep, timed } from './image-step'
import type { StepProfile } from './image-step'
import { chamferSamples, trainingTargets } from './training-data'
import type { TrainingData } from './training-data'

export interface TrainHooks {
  /** After every step: steps completed so far and the step's losses (means over the batch). */
  onStep?: (step: number, losses: Record<string, number>) => void
  /** Checked before every step; true ends training early (the state stays resumable). */
  shouldStop?: () => boolean
  checkpointEvery?: number
  /** A copy of the state every `checkpointEvery` steps and at the end. */
  onCheckpoint?: (state: SerializedTrainState) => void
  /** Milliseconds per part of the step, accumulated (the bench reads it). */
  profile?: StepProfile
}

export interface TrainResult {
  model: CategoryModel
  state: TrainState
  /** True when shouldStop ended the run before config.steps. */
  stopped: boolean
}

/** A fresh state: template, PCA'd targets, cameras initialised from the masks, random codes. */
export function startTraining(data: TrainingData, input: EngineConfigInput = {}): { state: TrainState; targets: ViewTarget[] } {
  const config = resolveConfig(input)
  const targets = trainingTargets(data)
  const rng = new SeededRandom(config.seed)
  const ellipsoid = config.ellipsoid === 'mask-aspect' ? ellipsoidFromBoxes(targets.map((t) => t.box)) : config.ellipsoid
  const model = createCategoryModel(config, targets[0]!.channels, ellipsoid, rng, data.pca ?? null)
  const { cameras, codes } = perImageParams(config, targets.length)
  const V0 = symmetrise(model.template, model.shape.value)
  targets.forEach((t, row) => initialCameras(V0, t.box, config.hypotheses, config.initialElevation, cameras.value, row * config.hypotheses * CAMERA_SIZE))
  // Small random codes: with B = 0 at the start, zero codes would leave B without a gradient.
  for (let q = 0; q < codes.value.length; q++) codes.value[q] = 0.1 * rng.normal()
  const state: TrainState = { config, model, keys: data.images.map((im) => im.key), cameras, codes, step: 0, rng }
  return { state, targets }
}

/** The state of a checkpoint, checked against the data it was trained on. */
export function resumeTraining(serialized: SerializedTrainState, data: TrainingData): { state: TrainState; targets: ViewTarget[] } {
  const state = deserializeTrainState(serialized)
  const keys = data.images.map((im) => im.key)
  if (keys.length !== state.keys.length || keys.some((k, i) => k !== state.keys[i])) {
    throw new Error('resume: the training images differ from the checkpoint\'s (same keys in the same order are required)')
  }
  return { state, targets: trainingTargets(data) }
}

/** One optimisation step over a batch drawn from the state's generator. */
export function trainStep(state: TrainState, targets: readonly ViewTarget[], profile?: StepProfile): Record<string, number> {
  const { config, model, cameras, codes, rng } = state
  const n = model.template.vertexCount
  const batch = rng.sample(targets.length, config.batchSize)
  const ramp = config.featureWeightRamp * config.steps
  const featureWeight = config.weights.feature * (ramp > 0 ? Math.min(1, state.step / ramp) : 1)
  const weights = { dt: config.weights.dt, chamfer: config.weights.chamfer, feature: featureWeight }
  const shape = timed(profile, 'category forward', () => categoryForward(model))
  const category = { gV0: new Float64Array(3 * n), gB: new Float64Array(3 * n * config.codeDims) }
  const sums: Record<string, number> = {}
  const add = (name: string, v: number): void => {
    sums[name] = (sums[name] ?? 0) + v / batch.length
  }
  for (const row of batch) {
    const target = targets[row]!
    const samples = chamferSamples(target, config.chamferSamples, rng)
    const r = imageStep({ model, shape, target, cameras, codes, row, samples, weights, gradScale: 1 / batch.length, category, profile })
    add('view', r.bestLoss.total)
    add('dt', r.bestLoss.dt)
    add('chamfer', r.bestLoss.chamfer)
    add('feature', r.bestLoss.feature)
    add('visibleFraction', r.bestLoss.visibleCount / n)
    add('laplacianDeformation', r.regularisers.laplacianDeformation)
    add('deformation', r.regularisers.deformation)
    add('code', r.regularisers.code)
    add('mirrorSwitches', r.mirrorSwitches)
  }
  const laplacianShape = timed(profile, 'category backward', () => {
    const e = laplacianEnergy(model.template, shape.V0, config.weights.laplacianShape, category.gV0)
    categoryBackward(model, shape, category.gV0, category.gB)
    return e
  })
  timed(profile, 'optimiser', () => {
    for (const p of categoryParams(model)) p.step()
    cameras.step(batch)
    codes.step(batch)
  })
  state.step++
  const total = sums.view! + sums.laplacianDeformation! + sums.deformation! + sums.code! + laplacianShape
  return { total, ...sums, laplacianShape, featureWeight }
}

async function run(state: TrainState, targets: ViewTarget[], hooks: TrainHooks): Promise<TrainResult> {
  let stopped = false
  while (state.step < state.config.steps) {
    if (hooks.shouldStop?.()) {
      stopped = true
      break
    }
    const losses = trainStep(state, targets, hooks.profile)
    hooks.onStep?.(state.step, losses)
    if (hooks.checkpointEvery && state.step % hooks.checkpointEvery === 0 && state.step < state.config.steps) hooks.onCheckpoint?.(serializeTrainState(state))
    // Lets a worker see a cancel message between steps.
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  hooks.onCheckpoint?.(serializeTrainState(state))
  return { model: state.model, state, stopped }
}

/** Trains a category from scratch; deterministic from config.seed. */
export async function trainCategory(data: TrainingData, config: EngineConfigInput = {}, hooks: TrainHooks = {}): Promise<TrainResult> {
  const { state, targets } = startTraining(data, config)
  return run(state, targets, hooks)
}

/** Continues a checkpointed run; the result equals the uninterrupted run's bit for bit. */
export async function continueTraining(serialized: SerializedTrainState, data: TrainingData, hooks: TrainHooks = {}): Promise<TrainResult> {
  const { state, targets } = resumeTraining(serialized, data)
  return run(state, targets, hooks)
}
