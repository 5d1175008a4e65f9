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
 * - Measured default step (642 vertices, batch 24, 8 hypotheses + mirrors, 64 channels, one
 *   thread): 255 ms for `semagic` (600 steps in 2.6 min, METHOD §9's PyTorch recipe took ~3 min),
 *   594 ms for `baseline` (5.9 min); the z-buffer visibility is 28 % of `semagic`'s step.
 * - Determinism: float64 arithmetic in a fixed order over float32 parameters, so a resumed run
 *   equals an uninterrupted one bit for bit (V8's Math functions are its own software ones, so
 *   the same Node version gives the same bits on any CPU); no backend in the loop to vary.
 *   A step's batch is split into TRAIN_SHARDS shards whose gradients are summed in shard order
 *   (shards.ts), so the bits do not depend on how many threads computed the shards.
 * Step cost and its split: bench/engine-train.bench.ts and BENCHMARKS.md.
 *
 * Cameras and codes are auto-decoded (free per-image parameters, no encoder).
 */
import { readFileSync } from 'node:fs'
import { CAMERA_SIZE } from '../camera/view-camera'
import { SeededRandom } from '../math/seeded-random'
import { categoryBackward, categoryForward, categoryParams, createCategoryModel } from '../model/category-model'
import type { CategoryModel, CategoryShape } from '../model/category-model'
import { cpuOnlySetting, resolveConfig } from '../model/config'
import type { EngineConfigInput } from '../model/config'
import { ellipsoidFromBoxes, initialCameras } from '../model/initialisation'
import { edgeUniformityEnergy } from '../template/edge-lengths'
import { laplacianEnergy } from '../template/laplacian'
import { normalConsistencyEnergy } from '../template/normal-consistency'
import { symmetrise } from '../template/symmetry'
import { parseObjMesh } from '../template/obj-mesh'
import { shrinkWrap } from '../template/shrink-wrap'
import type { ViewTarget } from '../losses/view-target'
import { deserializeTrainState, keptAzimuthsUnknown, perImageParams, serializeTrainState } from './checkpoint'
import type { SerializedTrainState, TrainState } from './checkpoint'
import { timed } from './image-step'
import type { StepProfile } from './image-step'
import { frameSyncSteps, synchroniseFrames } from './frame-sync'
import { largeStep } from './large-steps'
import type { FrameSync } from './frame-sync'
import { combineShards, planStep, runShard } from './shards'
import type { ShardResult, StepPlan } from './shards'
import { trainingTargets } from './training-data'
import { graphPrior, regressionPrior, viewpointGraph, viewpointRegression } from './viewpoint-prior'
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
  /** Where the shards of each step run (default: all in this thread); the bits do not depend on it. */
  executor?: ShardExecutor
  /** Runs whole steps with the parameters kept elsewhere (the GPU's resident trainer); takes the place of `executor`. */
  resident?: ResidentStepper
  /** After a step that synchronised the images' frames (config.frameSync): what it did. */
  onFrameSync?: (step: number, sync: FrameSync) => void
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
  const targets = trainingTargets(data, config.appearance)
  const rng = new SeededRandom(config.seed)
  const ellipsoid = typeof config.ellipsoid === 'string' ? ellipsoidFromBoxes(targets.map((t) => t.box), config.ellipsoid === 'mask-extent') : config.ellipsoid
  const model = createCategoryModel(config, targets[0]!.channels, ellipsoid, rng, data.pca ?? null)
  if (config.startMesh) model.shape.value.set(shrinkWrap(model.template, parseObjMesh(readFileSync(config.startMesh, 'utf8'), config.startMesh)))
  const { cameras, codes } = perImageParams(config, targets.length)
  const V0 = symmetrise(model.template, model.shape.value)
  targets.forEach((t, row) => initialCameras(V0, t.box, config.hypotheses, config.initialElevation, cameras.value, row * config.hypotheses * CAMERA_SIZE))
  // Small random codes: with B = 0 at the start, zero codes would leave B without a gradient.
  // Part angles start at 0, the unposed mesh.
  for (let row = 0; row < targets.length; row++) for (let k = 0; k < config.codeDims; k++) codes.value[row * codes.rowSize + k] = 0.1 * rng.normal()
  const state: TrainState = { config, model, keys: data.images.map((im) => im.key), cameras, codes, step: 0, rng, keptAzimuths: keptAzimuthsUnknown(targets.length), viewpointPrior: null }
  attachViewpointPrior(state, targets)
  return { state, targets }
}

/** The state of a checkpoint, checked against the data it was trained on. */
export function resumeTraining(serialized: SerializedTrainState, data: TrainingData): { state: TrainState; targets: ViewTarget[] } {
  const state = deserializeTrainState(serialized)
  const keys = data.images.map((im) => im.key)
  if (keys.length !== state.keys.length || keys.some((k, i) => k !== state.keys[i])) {
    throw new Error('resume: the training images differ from the checkpoint\'s (same keys in the same order are required)')
  }
  const targets = trainingTargets(data, state.config.appearance)
  attachViewpointPrior(state, targets)
  return { state, targets }
}

/** With the viewpoint prior on, what it reads from the images: the look-alike graph or the regression. */
function attachViewpointPrior(state: TrainState, targets: readonly ViewTarget[]): void {
  if (state.config.viewpointPrior <= 0) return
  state.viewpointPrior = state.config.viewpointSource === 'regression' ? regressionPrior(viewpointRegression(targets)) : graphPrior(viewpointGraph(targets))
}

/**
 * Runs a step's shards and returns their results in shard order, wherever it computes them
 * (this thread, or helper threads for some shards). The result must not depend on where.
 */
export type ShardExecutor = (state: TrainState, targets: readonly ViewTarget[], shape: () => CategoryShape, plan: StepPlan, profile?: StepProfile) => Promise<ShardResult[]>

/**
 * Whole steps on parameters that live elsewhere between steps (gpu/resident-trainer): `step`
 * draws the step's plan from the state's generator (planStep) and advances state.step and the
 * Adam step counts, but leaves the state's values, moments and gradients as they were; `sync`
 * brings the values and moments back into the state (before a checkpoint and at the end).
 */
export interface ResidentStepper {
  step(state: TrainState, targets: readonly ViewTarget[], profile?: StepProfile): Promise<Record<string, number>>
  sync(state: TrainState): Promise<void>
}

/** Every shard in this thread, in order. */
function localShards(state: TrainState, targets: readonly ViewTarget[], shape: CategoryShape, plan: StepPlan, profile?: StepProfile): ShardResult[] {
  const ctx = { model: state.model, shape, targets, cameras: state.cameras, codes: state.codes }
  return plan.shards.map((_, s) => runShard(ctx, plan, s, profile))
}

/** The category's backward pass and the optimiser, once the shards are summed. */
function finishStep(state: TrainState, shape: CategoryShape, plan: StepPlan, results: readonly ShardResult[], profile?: StepProfile): Record<string, number> {
  const { config, model, cameras, codes } = state
  const { gV0, gB, sums } = combineShards(state, plan, results)
  const { laplacianShape, edgeShape, normalShape } = timed(profile, 'category backward', () => {
    const w = config.weights
    const laplacianShape = laplacianEnergy(model.template, shape.V0, w.laplacianShape, gV0)
    const edgeShape = w.edgeShape > 0 ? edgeUniformityEnergy(model.template, shape.V0, w.edgeShape, gV0) : 0
    const normalShape = w.normalShape > 0 ? normalConsistencyEnergy(model.template, shape.V0, w.normalShape, gV0) : 0
    categoryBackward(model, shape, gV0, gB)
    return { laplacianShape, edgeShape, normalShape }
  })
  timed(profile, 'optimiser', () => {
    for (const p of categoryParams(model)) {
      const lambda = p === model.shape ? config.largeSteps : p === model.basis ? config.largeStepsBasis : 0
      if (lambda > 0) largeStep(p, model.template, lambda)
      else p.step()
    }
    cameras.step(plan.batch)
    codes.step(plan.batch)
  })
  state.step++
  return stepLosses(sums, { laplacianShape, edgeShape, normalShape }, plan.featureWeight)
}

/** A step's losses as onStep reports them: the batch means of IMAGE_TERMS, the shape's regularisers and their total. */
export function stepLosses(sums: Record<string, number>, shape: { laplacianShape: number; edgeShape: number; normalShape: number }, featureWeight: number): Record<string, number> {
  const { laplacianShape, edgeShape, normalShape } = shape
  const total = sums.view! + sums.laplacianDeformation! + sums.edgeDeformation! + sums.deformation! + sums.code! + sums.articulation! + laplacianShape + edgeShape + normalShape
  return { total, ...sums, laplacianShape, edgeShape, normalShape, featureWeight }
}

/** One optimisation step over a batch drawn from the state's generator, every shard in this thread. */
export function trainStep(state: TrainState, targets: readonly ViewTarget[], profile?: StepProfile): Record<string, number> {
  const plan = planStep(state, targets)
  const shape = timed(profile, 'category forward', () => categoryForward(state.model))
  return finishStep(state, shape, plan, localShards(state, targets, shape, plan, profile), profile)
}

/**
 * The same step with its shards run by `executor` (bit for bit the same as trainStep). The
 * category's forward pass is computed when the executor first asks for it, so that it can
 * hand shards to other threads (which compute their own) before.
 */
export async function trainStepWith(executor: ShardExecutor, state: TrainState, targets: readonly ViewTarget[], profile?: StepProfile): Promise<Record<string, number>> {
  const plan = planStep(state, targets)
  let shape: CategoryShape | null = null
  const getShape = (): CategoryShape => (shape ??= timed(profile, 'category forward', () => categoryForward(state.model)))
  const results = await executor(state, targets, getShape, plan, profile)
  return finishStep(state, getShape(), plan, results, profile)
}

/** Trains a started or resumed state to its configured steps (or until shouldStop). */
export async function runTraining(state: TrainState, targets: ViewTarget[], hooks: TrainHooks = {}): Promise<TrainResult> {
  // The resident trainer runs whole steps on the device, without what it has no kernels for.
  const gap = hooks.resident ? cpuOnlySetting(state.config, 'training') : null
  if (gap) throw new Error(gap)
  let stopped = false
  while (state.step < state.config.steps) {
    if (hooks.shouldStop?.()) {
      stopped = true
      break
    }
    const losses = hooks.resident
      ? await hooks.resident.step(state, targets, hooks.profile)
      : hooks.executor
        ? await trainStepWith(hooks.executor, state, targets, hooks.profile)
        : trainStep(state, targets, hooks.profile)
    if (state.config.frameSync && frameSyncSteps(state.config.steps).includes(state.step)) hooks.onFrameSync?.(state.step, synchroniseFrames(state, targets))
    hooks.onStep?.(state.step, losses)
    if (hooks.checkpointEvery && state.step % hooks.checkpointEvery === 0 && state.step < state.config.steps && hooks.onCheckpoint) {
      await hooks.resident?.sync(state)
      hooks.onCheckpoint(serializeTrainState(state))
    }
    // Lets a worker see a cancel message between steps.
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  await hooks.resident?.sync(state)
  hooks.onCheckpoint?.(serializeTrainState(state))
  return { model: state.model, state, stopped }
}

/** Trains a category from scratch; deterministic from config.seed. */
export async function trainCategory(data: TrainingData, config: EngineConfigInput = {}, hooks: TrainHooks = {}): Promise<TrainResult> {
  const { state, targets } = startTraining(data, config)
  return runTraining(state, targets, hooks)
}

/** Continues a checkpointed run; the result equals the uninterrupted run's bit for bit. */
export async function continueTraining(serialized: SerializedTrainState, data: TrainingData, hooks: TrainHooks = {}): Promise<TrainResult> {
  const { state, targets } = resumeTraining(serialized, data)
  return runTraining(state, targets, hooks)
}
