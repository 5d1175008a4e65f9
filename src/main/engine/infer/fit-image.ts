import { instanceSize, viewLossWeights } from '../model/config'
import type { FeatureMap } from '../../features/backbones/types'
import type { Mask, RgbImage } from '../../images/rgb-image'
import { projectPoints } from '../render/camera'
import type { WeakPerspectiveCamera } from '../render/camera'
import { AZIMUTH, CAMERA_SIZE, ELEVATION, ROLL, mirrorCamera, toWeakPerspective, wrapAngle } from '../camera/view-camera'
import type { ViewTarget } from '../losses/view-target'
import { viewLoss, visibility } from '../losses/view-loss'
import type { ViewLoss, ViewShape, VisibilityOptions } from '../losses/view-loss'
import type { Param } from '../math/adam'
import { SeededRandom } from '../math/seeded-random'
import { categoryForward, instanceForward, mirrorInstance } from '../model/category-model'
import type { CategoryModel, CategoryShape } from '../model/category-model'
import { initialCameras } from '../model/initialisation'
import { perImageParams } from '../train/checkpoint'
import type { TrainState } from '../train/checkpoint'
import { imageStep, mirrorIsBetter } from '../train/image-step'
import { chamferSamples, imageTarget } from '../train/training-data'

/** A fitted instance: mesh, camera and what the transfer needs, in the image's crop pixels. */
export interface MeshFit {
  /** Instance vertices V = V0 + B z (posed, with articulation), xyz triples in model units. */
  vertices: Float32Array
  faces: Uint32Array
  camera: WeakPerspectiveCamera
  /** The camera's rotation angles in radians (see camera/view-camera). */
  pose: { azimuth: number; elevation: number; roll: number }
  /** Projected vertices, xy pairs in crop pixels. */
  projected: Float32Array
  /** 1 where the vertex is visible (z-buffer and facing the camera). */
  visible: Uint8Array
  /** Crop pixels across the crop the projection refers to. */
  cropSize: number
  /** The kept hypothesis' loss with the category's full weights. */
  loss: ViewLoss
  hypothesis: number
  /** The image's code row: z, then the part angles with articulation on. */
  code: Float32Array
  /**
   * Every camera hypothesis at the end of the fit, each on its better side (itself or its
   * mirror, as the choice rules), lowest loss first, and the code row they share: the first is
   * this fit. Lets a method weigh the runners-up where a near-symmetric object leaves the choice
   * open (rankedFits). Absent from fits of training images and from fits stored before it existed.
   */
  hypotheses?: { code: number[]; ranked: FittedHypothesis[] }
}

/** One camera hypothesis as a fit ended it: enough to draw its mesh again with the fit's code. */
export interface FittedHypothesis {
  hypothesis: number
  /** The hypothesis' mirror camera, which sees the mirrored instance, was kept. */
  mirrored: boolean
  /** Camera parameters (camera/view-camera's layout). */
  params: number[]
  loss: ViewLoss
}

export interface FitOptions {
  /** Optimisation steps of the cameras and the code (default 150). */
  steps?: number
  /** Seeds the chamfer's pixel samples (default 0). */
  seed?: number
}

export interface FitImageInput {
  features: FeatureMap
  mask: Mask
  /** The crop in colour, as training had it (train/training-data); needed when the model's appearance term is on. */
  colour?: RgbImage
}

/**
 * Fits one image with the category frozen (METHOD §9, test images): every camera hypothesis and
 * the code z are optimised with the training loss at its full feature weight, the lowest-loss
 * hypothesis (against its mirror too) is kept.
 */
export function fitImage(model: CategoryModel, image: FitImageInput, options: FitOptions = {}): MeshFit {
  return fitImageCandidates(model, image, options).best
}

/**
 * The same fit, with every hypothesis and its mirror kept as a candidate (scored as the choice
 * scores them): to study how often the kept camera is the right one, and what the transfer
 * would score with a better choice.
 */
export function fitImageCandidates(model: CategoryModel, image: FitImageInput, options: FitOptions = {}): FitCandidates {
  const shape = categoryForward(model)
  const { cameras, codes } = perImageParams(model.config, 1)
  const start = startFit(model, shape, image, options, cameras, 0)
  const weights = viewLossWeights(model.config)
  for (let s = 0; s < fitSteps(options); s++) {
    const samples = chamferSamples(start.target, model.config.chamferSamples, start.rng)
    imageStep({ model, shape, target: start.target, cameras, codes, row: 0, samples, weights, gradScale: 1, category: null })
    cameras.step([0])
    codes.step([0])
  }
  return finishFit(model, shape, start.target, cameras, codes, 0)
}

/** A fit's kept mesh and every hypothesis and mirror it chose among. */
export interface FitCandidates {
  best: MeshFit
  candidates: MeshFit[]
}

/** An image's fit before its steps: its target and the stream its chamfer samples come from. */
export interface FitStart {
  target: ViewTarget
  rng: SeededRandom
}

export function fitSteps(options: FitOptions): number {
  return options.steps ?? 150
}

/**
 * Sets up row `row` of `cameras` (zero codes) for fitting `image`: its first camera hypotheses
 * from its mask's box, as training starts them. Every engine's fit starts here.
 */
export function startFit(model: CategoryModel, shape: CategoryShape, image: FitImageInput, options: FitOptions, cameras: Param, row: number): FitStart {
  const { config } = model
  const target = imageTarget(image, model.pca, config.appearance)
  if (target.channels !== model.channels) throw new RangeError(`fitImage: the model has ${model.channels} feature channels, the image ${target.channels}`)
  initialCameras(shape.V0, target.box, config.hypotheses, config.initialElevation, cameras.value, row * config.hypotheses * CAMERA_SIZE)
  return { target, rng: new SeededRandom(options.seed ?? 0) }
}

/** A fit once its steps are taken: every hypothesis of row `row` scored (against its mirror) and the best kept. */
export function finishFit(model: CategoryModel, shape: CategoryShape, target: ViewTarget, cameras: Param, codes: Param, row: number): FitCandidates {
  const K = instanceSize(model.config)
  const code = codes.value.slice(row * K, (row + 1) * K)
  const scored = scoreHypotheses(model, shape, target, cameras.value, row * model.config.hypotheses * CAMERA_SIZE, code)
  const ranked = scored.kept
    .map(({ params, loss, hypothesis, mirrored }): FittedHypothesis => ({ hypothesis, mirrored, params: [...params], loss }))
    // Stable: equal losses keep hypothesis order, so the first is the fit scoreHypotheses kept.
    .sort((a, b) => a.loss.total - b.loss.total)
  return { best: { ...scored.best, hypotheses: { code: [...code], ranked } }, candidates: scored.candidates.map((c) => scored.describe(c)) }
}

/** The first k of ranked hypotheses (at least one) whose azimuths differ from every earlier one taken by at least `minAzimuthGap` radians. */
export function hypothesesApart(ranked: readonly FittedHypothesis[], k: number, minAzimuthGap: number): FittedHypothesis[] {
  const taken: FittedHypothesis[] = []
  for (const h of ranked) {
    if (taken.length >= Math.max(1, k)) break
    if (taken.every((t) => Math.abs(wrapAngle(t.params[AZIMUTH]! - h.params[AZIMUTH]!)) >= minAzimuthGap)) taken.push(h)
  }
  return taken
}

/**
 * A fit's k best camera hypotheses as fits of their own, best first (the first is the fit
 * itself), each with the instance it sees: the same code, its own camera and side. With
 * `minAzimuthGap` (radians), a hypothesis within that azimuth of a better one already taken is
 * passed over: hypotheses that converged onto one camera count once.
 */
export function rankedFits(model: CategoryModel, shape: CategoryShape, fit: MeshFit, k: number, minAzimuthGap = 0): MeshFit[] {
  if (!fit.hypotheses) throw new RangeError('rankedFits: the fit kept no hypotheses (it was stored before fits kept them)')
  const { code } = fit.hypotheses
  const ranked = hypothesesApart(fit.hypotheses.ranked, k, minAzimuthGap)
  const inst = instanceForward(model, shape, code)
  const mirror = mirrorInstance(model, shape, inst, code)
  return ranked.map((h, i) =>
    i === 0
      ? fit
      : {
          ...meshGeometry(h.mirrored ? mirror.inst.view : inst.view, h.params, fit.cropSize, model.config.visibility),
          loss: h.loss,
          hypothesis: h.hypothesis,
          code: Float32Array.from(h.mirrored ? mirror.row : code),
        },
  )
}

/**
 * The fits of the training images as training left them (their cameras and codes), e.g. to
 * show them or to check the recovered viewpoints.
 */
export function trainingFits(state: TrainState, targets: readonly ViewTarget[]): MeshFit[] {
  const shape = categoryForward(state.model)
  const H = state.config.hypotheses
  const K = instanceSize(state.config)
  return targets.map((t, row) => bestFit(state.model, shape, t, state.cameras.value, row * H * CAMERA_SIZE, state.codes.value.slice(row * K, (row + 1) * K)))
}

/**
 * Scores every hypothesis (against its mirror, as training does) with the chamfer over all
 * foreground pixels, no sampling noise in the choice, and describes the best.
 */
function bestFit(model: CategoryModel, shape: CategoryShape, target: ViewTarget, cameras: Float32Array, offset: number, z: Float32Array): MeshFit {
  return scoreHypotheses(model, shape, target, cameras, offset, z).best
}

interface Candidate {
  params: Float64Array
  loss: ViewLoss
  hypothesis: number
  /** The instance the camera sees (a mirror candidate sees the mirror pose, with articulation on) and its code row. */
  view: ViewShape
  code: Float32Array
  mirrored: boolean
}

function scoreHypotheses(model: CategoryModel, shape: CategoryShape, target: ViewTarget, cameras: Float32Array, offset: number, z: Float32Array) {
  const { config } = model
  const inst = instanceForward(model, shape, z)
  const mirror = mirrorInstance(model, shape, inst, z)
  const mirrorCode = Float32Array.from(mirror.row)
  const weights = viewLossWeights(config)
  const score = (view: ViewShape, params: Float64Array): ViewLoss => viewLoss(target, view, params, 0, target.foreground, visibility(view, params, config.visibility), weights, null)
  const candidates: Candidate[] = []
  const keptOf: Candidate[] = []
  let best: Candidate | null = null
  for (let h = 0; h < config.hypotheses; h++) {
    const params = Float64Array.from(cameras.subarray(offset + h * CAMERA_SIZE, offset + (h + 1) * CAMERA_SIZE))
    const own: Candidate = { params, loss: score(inst.view, params), hypothesis: h, view: inst.view, code: z, mirrored: false }
    candidates.push(own)
    let kept = own
    if (config.mirrorScoring) {
      const mirrored = mirrorCamera(own.params)
      const candidate: Candidate = { params: mirrored, loss: score(mirror.inst.view, mirrored), hypothesis: h, view: mirror.inst.view, code: mirrorCode, mirrored: true }
      candidates.push(candidate)
      if (mirrorIsBetter(own.loss, candidate.loss, own.params[ELEVATION]!, config.preferAbove)) kept = candidate
    }
    if (!best || kept.loss.total < best.loss.total) best = kept
    keptOf.push(kept)
  }
  const describe = ({ params, loss, hypothesis, view, code }: Candidate): MeshFit => ({ ...meshGeometry(view, params, target.cropSize, config.visibility), loss, hypothesis, code })
  return { best: describe(best!), candidates, kept: keptOf, describe }
}

/** Camera, pose, crop-pixel projections and visibility of a mesh seen with camera parameters `params`. */
export function meshGeometry(view: ViewShape, params: ArrayLike<number>, cropSize: number, options: VisibilityOptions): Omit<MeshFit, 'loss' | 'hypothesis' | 'code'> {
  const camera = toWeakPerspective(params)
  const projected = new Float32Array(2 * view.vertexCount)
  const p = projectPoints(view.vertices32, camera, cropSize, cropSize)
  for (let i = 0; i < view.vertexCount; i++) {
    projected[2 * i] = p[3 * i]!
    projected[2 * i + 1] = p[3 * i + 1]!
  }
  return {
    vertices: view.vertices32,
    faces: view.faces,
    camera,
    pose: { azimuth: params[AZIMUTH]!, elevation: params[ELEVATION]!, roll: params[ROLL]! },
    projected,
    visible: visibility(view, params, options),
    cropSize,
  }
}
