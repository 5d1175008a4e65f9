import { AZIMUTH, CAMERA_SIZE, ELEVATION, mirrorCamera } from '../camera/view-camera'
import type { ViewTarget } from '../losses/view-target'
import { softSilhouette } from '../losses/soft-silhouette'
import { viewLoss, visibility } from '../losses/view-loss'
import type { LossWeights, ViewLoss } from '../losses/view-loss'
import type { Param } from '../math/adam'
import { mirrorAngles } from '../model/articulation'
import type { ArticulationRig } from '../model/articulation'
import { instanceBackward, instanceForward, mirrorInstance } from '../model/category-model'
import type { Instance } from '../model/category-model'
import { instanceSize } from '../model/config'
import type { CategoryModel, CategoryShape } from '../model/category-model'
import { edgePreservationEnergy } from '../template/edge-lengths'
import { laplacianEnergy } from '../template/laplacian'
import { priorDisagreement } from './viewpoint-prior'

/** Milliseconds per part of a step, accumulated when the caller passes one. */
export type StepProfile = Record<string, number>

export function timed<T>(profile: StepProfile | undefined, part: string, run: () => T): T {
  if (!profile) return run()
  const t = performance.now()
  const out = run()
  profile[part] = (profile[part] ?? 0) + performance.now() - t
  return out
}

/** timed for work that awaits (a device's round trip). */
export async function timedAsync<T>(profile: StepProfile | undefined, part: string, run: () => Promise<T>): Promise<T> {
  const t = performance.now()
  const out = await run()
  if (profile) profile[part] = (profile[part] ?? 0) + performance.now() - t
  return out
}

export interface ImageStepInput {
  model: CategoryModel
  shape: CategoryShape
  target: ViewTarget
  /** Rows of `cameras` are images, each `hypotheses` x 6 values. */
  cameras: Param
  codes: Param
  row: number
  samples: Float64Array
  /** The image's neighbours' kept azimuths (viewpoint-prior neighbourAzimuths); empty or absent, no prior. */
  prior?: Float64Array
  weights: LossWeights
  /** Multiplies every gradient (1 / batch size). */
  gradScale: number
  /** Category accumulators; null keeps the category frozen (inference). */
  category: { gV0: Float64Array; gB: Float64Array } | null
  profile?: StepProfile
}

export interface ImageStepResult {
  /** The best hypothesis' loss terms. */
  bestLoss: ViewLoss
  regularisers: { laplacianDeformation: number; edgeDeformation: number; deformation: number; code: number; articulation: number }
  mirrorSwitches: number
  /** The azimuth of the hypothesis kept (after any mirror switch). */
  keptAzimuth: number
}

/**
 * One image's share of a step (METHOD §9): every camera hypothesis is scored with the shape
 * held fixed and gets its own camera gradient; optionally each is compared with its mirror
 * camera, which takes its place when it fits better; then the best hypothesis (by loss, weighed
 * by the viewpoint prior when it is on) is evaluated again with gradients for the shape, the
 * features and the code.
 */
export function imageStep(input: ImageStepInput): ImageStepResult {
  const { model, shape, target, cameras, codes, row, samples, weights, gradScale, profile } = input
  const { config } = model
  const H = config.hypotheses
  const row0 = row * instanceSize(config)
  const { inst, mirror } = imageInstances(model, shape, codes, row0, profile)
  const view = inst.view
  const cam = cameras.value
  const base = row * H * CAMERA_SIZE
  const visible: Uint8Array[] = []
  const losses: number[] = []
  const camGrad = new Float64Array(CAMERA_SIZE)
  const mirrored = new Float64Array(CAMERA_SIZE)
  let mirrorSwitches = 0
  const switched: boolean[] = []
  for (let h = 0; h < H; h++) {
    const o = base + h * CAMERA_SIZE
    let vis = timed(profile, 'visibility', () => visibility(view, cam, config.visibility, o))
    camGrad.fill(0)
    let loss = timed(profile, 'hypotheses', () => viewLoss(target, view, cam, o, samples, vis, weights, { camera: camGrad, vertices: null, features: null }))
    let mirrorScore: { loss: ViewLoss; camera: Float64Array; visible: Uint8Array } | null = null
    if (config.mirrorScoring) {
      mirrorCamera(cam, o, mirrored)
      const mvis = timed(profile, 'visibility', () => visibility(mirror.view, mirrored, config.visibility))
      mirrorScore = { loss: timed(profile, 'mirror', () => viewLoss(target, mirror.view, mirrored, 0, samples, mvis, weights, null)), camera: mirrored, visible: mvis }
    }
    const toMirror = settleHypothesis(model, cameras, o, loss, camGrad, mirrorScore, gradScale)
    if (toMirror && mirrorScore) {
      vis = mirrorScore.visible
      loss = mirrorScore.loss
      mirrorSwitches++
    }
    switched.push(toMirror)
    visible.push(vis)
    losses.push(loss.total)
  }
  const best = bestHypothesis(priorLosses(losses, cam, base, input.prior, config.viewpointPrior))
  const kept = keptInstance(model, codes, row0, switched[best]!, inst, mirror)
  const n = model.template.vertexCount
  const gV = new Float64Array(3 * n)
  const gQ = new Float64Array(n * model.channels)
  const bestLoss = timed(profile, 'best hypothesis', () =>
    viewLoss(target, kept.view, cam, base + best * CAMERA_SIZE, samples, visible[best]!, weights, { camera: null, vertices: gV, features: gQ }),
  )
  const soft = config.weights.softSilhouette
  if (soft > 0) bestLoss.total += soft * timed(profile, 'soft silhouette', () => keptSilhouette(target, kept, cameras, base + best * CAMERA_SIZE, soft, gV, gradScale))
  return { ...imageBackward(input, kept, gV, gQ, bestLoss, mirrorSwitches), keptAzimuth: cam[base + best * CAMERA_SIZE + AZIMUTH]! }
}

/**
 * The hypotheses' losses as the viewpoint prior weighs them for the choice (train/viewpoint-prior):
 * each times 1 + weight x its azimuth's disagreement with the neighbours'. The prior only
 * chooses; the kept hypothesis' gradients are its own loss's.
 */
export function priorLosses(losses: readonly number[], cam: ArrayLike<number>, base: number, prior: Float64Array | undefined, weight: number): readonly number[] {
  if (!prior || prior.length === 0 || weight <= 0) return losses
  return losses.map((l, h) => l * (1 + weight * priorDisagreement(prior, cam[base + h * CAMERA_SIZE + AZIMUTH]!)))
}

/**
 * The face-based silhouette of the kept view (losses/soft-silhouette): its loss, its vertex
 * gradient into gV (unscaled, as the view's) and its camera gradient into the kept camera's
 * row (scaled). Only the kept view pays it, so the hypotheses are still told apart by the
 * vertex terms alone, at one rendering per image and step instead of one per hypothesis.
 */
function keptSilhouette(target: ViewTarget, kept: Instance, cameras: Param, offset: number, weight: number, gV: Float64Array, gradScale: number): number {
  const camGrad = new Float64Array(CAMERA_SIZE)
  const { loss } = softSilhouette(target, kept.view, cameras.value, offset, weight, { camera: camGrad, vertices: gV, features: null })
  for (let k = 0; k < CAMERA_SIZE; k++) cameras.grad[offset + k]! += gradScale * camGrad[k]!
  return loss
}

/** An image's instance and the one its mirror cameras see (the same one unless it is posed); `fieldElsewhere`: instanceForward's. */
export function imageInstances(model: CategoryModel, shape: CategoryShape, codes: Param, row0: number, profile?: StepProfile, fieldElsewhere = false): { inst: Instance; mirror: Instance } {
  const inst = timed(profile, 'instance forward', () => instanceForward(model, shape, codes.value, row0, fieldElsewhere))
  const mirror = model.config.mirrorScoring ? timed(profile, 'instance forward', () => mirrorInstance(model, shape, inst, codes.value, row0, fieldElsewhere)).inst : inst
  return { inst, mirror }
}

/**
 * Settles hypothesis (cameras at `offset`) once it and, with mirror scoring, its mirror camera
 * are scored: the mirror takes its place when it explains the image better (true is returned),
 * else the hypothesis keeps its camera gradient.
 */
export function settleHypothesis(
  model: CategoryModel,
  cameras: Param,
  offset: number,
  own: ViewLoss,
  camGrad: ArrayLike<number>,
  mirror: { loss: ViewLoss; camera: Float64Array } | null,
  gradScale: number,
): boolean {
  if (mirror && mirrorIsBetter(own, mirror.loss, cameras.value[offset + ELEVATION]!, model.config.preferAbove)) {
    switchToMirror(cameras, offset, mirror.camera)
    return true
  }
  for (let k = 0; k < CAMERA_SIZE; k++) cameras.grad[offset + k]! += gradScale * camGrad[k]!
  return false
}

/** The hypothesis of least total loss (the first of equals). */
export function bestHypothesis(losses: readonly number[]): number {
  let best = 0
  for (let h = 1; h < losses.length; h++) if (losses[h]! < losses[best]!) best = h
  return best
}

/**
 * The instance the best hypothesis sees. The part angles belong to its camera: when it moved to
 * its mirror, they move to the mirror pose with it (the other hypotheses share them as they are).
 */
export function keptInstance(model: CategoryModel, codes: Param, row0: number, switched: boolean, inst: Instance, mirror: Instance): Instance {
  if (switched && model.rig) switchPoseToMirror(model.rig, codes, row0 + model.config.codeDims)
  return switched ? mirror : inst
}

/**
 * The rest of an image's share once its best view's gradients are known (gV: dL/d(posed
 * vertices), gQ: dL/d(vertex features), both unscaled; or, with the feature field run elsewhere,
 * `fieldInput`: dL/d(its encoded input), scaled): the instance regularisers, and the backward
 * pass into the code row and the category.
 */
export function imageBackward(input: ImageStepInput, kept: Instance, gV: Float64Array, gQ: Float64Array, bestLoss: ViewLoss, mirrorSwitches: number, fieldInput?: Float64Array): Omit<ImageStepResult, 'keptAzimuth'> {
  const { model, shape, codes, row, gradScale, category, profile } = input
  const row0 = row * instanceSize(model.config)
  return timed(profile, 'shape backward', () => {
    const { gD, regularisers } = instanceRegularisers(input, kept)
    for (const g of [gV, gD, gQ]) for (let q = 0; q < g.length; q++) g[q]! *= gradScale
    instanceBackward(model, shape, kept, codes.value, row0, { gV, gD, gQ, category, gz: codes.grad, gzOffset: row0, ...(fieldInput ? { fieldInput } : {}) })
    return { bestLoss, regularisers, mirrorSwitches }
  })
}

/**
 * The kept instance's regularisers (METHOD §4): their values, dL/dD of the deformation's
 * (unscaled, returned), and the code row's own (scaled, into codes.grad).
 */
export function instanceRegularisers(input: ImageStepInput, kept: Instance): { gD: Float64Array; regularisers: ImageStepResult['regularisers'] } {
  const { model, shape, codes, row, gradScale } = input
  const { config, template } = model
  const n = template.vertexCount
  const K = config.codeDims
  const row0 = row * instanceSize(config)
  const gD = new Float64Array(3 * n)
  const w = config.weights
  const laplacianDeformation = laplacianEnergy(template, kept.D, w.laplacianDeformation, gD)
  const edgeDeformation = w.edgeDeformation > 0 ? edgePreservationEnergy(template, shape.V0, shape.rest, kept.D, w.edgeDeformation, gD) : 0
  let magnitude = 0
  for (let q = 0; q < 3 * n; q++) {
    magnitude += kept.D[q]! * kept.D[q]!
    gD[q]! += (2 * w.deformation * kept.D[q]!) / n
  }
  magnitude = (w.deformation * magnitude) / n
  let code = 0
  let articulation = 0
  const gz = codes.grad
  for (let k = 0; k < instanceSize(config); k++) {
    const zk = codes.value[row0 + k]!
    const weight = k < K ? w.code : w.articulation
    if (k < K) code += weight * zk * zk
    else articulation += weight * zk * zk
    gz[row0 + k]! += gradScale * 2 * weight * zk
  }
  return { gD, regularisers: { laplacianDeformation, edgeDeformation, deformation: magnitude, code, articulation } }
}

/**
 * Whether the mirror camera explains the image better. Instance shapes are symmetric by
 * construction (a posed one is compared in its mirror pose, category-model mirrorInstance), so
 * a camera and its mirror project the same silhouette; their silhouette losses differ only
 * through which side's vertices the chamfer reaches (measured: by more than
 * the feature term's difference on a known object, choosing the wrong side half the time). So
 * the features decide, when they are on; strictly better only, as a side view is its own mirror
 * up to the elevation's sign. With `preferAbove` set, an elevation at least that far from level
 * decides first: the camera from above is kept (the mirror's elevation is -elevation).
 */
export function mirrorIsBetter(own: ViewLoss, mirror: ViewLoss, elevation: number, preferAbove: number | null): boolean {
  // Sines, so that an elevation the optimiser carried past a right angle still reads the right way.
  if (preferAbove !== null && Math.abs(Math.sin(elevation)) >= Math.sin(preferAbove)) return Math.sin(elevation) < 0
  const [a, b] = own.feature > 0 || mirror.feature > 0 ? [own.feature, mirror.feature] : [own.total, mirror.total]
  return b < a - 1e-9 * Math.abs(a)
}

/** Moves an image's part angles to the mirror pose, their Adam moments with them (first moments change sign as the angles do). */
function switchPoseToMirror(rig: ArticulationRig, codes: Param, offset: number): void {
  mirrorAngles(rig, codes.value, offset, codes.value, offset)
  mirrorAngles(rig, codes.m, offset, codes.m, offset)
  mirrorAngles(rig, codes.v, offset, codes.v, offset, false)
}

/**
 * Moves a hypothesis to its mirror camera. Azimuth and elevation change sign under the map
 * (pi - az, -el), so their Adam first moments do too; the second moments are unchanged.
 */
function switchToMirror(cameras: Param, offset: number, mirrored: Float64Array): void {
  for (let k = 0; k < CAMERA_SIZE; k++) cameras.value[offset + k] = mirrored[k]!
  cameras.m[offset + AZIMUTH] = -cameras.m[offset + AZIMUTH]!
  cameras.m[offset + ELEVATION] = -cameras.m[offset + ELEVATION]!
}
