import { CAMERA_SIZE, cameraParams, turnCamera, wrapAngle } from '../camera/view-camera'
import { meshGeometry, trainingFits } from '../infer/fit-image'
import type { MeshFit } from '../infer/fit-image'
import { createGridPoint, locate } from '../losses/grid-sampler'
import type { ViewTarget } from '../losses/view-target'
import { SeededRandom } from '../math/seeded-random'
import { categoryForward, instanceForward } from '../model/category-model'
import type { TrainState } from './checkpoint'

/** Other training images each image is compared with. */
const NEIGHBOURS = 16
/** Vertices two views must both see for their agreement to count. */
const MIN_SHARED = 20
/** Sweeps of the label search at most (it stops when a sweep changes nothing). */
const SWEEPS = 10
/** Fractions of the run after whose step the frames are synchronised. */
export const FRAME_SYNC_AT = [1 / 3, 2 / 3] as const

/** The steps after which a run of `steps` synchronises its frames (frameSync on). */
export function frameSyncSteps(steps: number): number[] {
  return [...new Set(FRAME_SYNC_AT.map((f) => Math.round(f * steps)).filter((s) => s > 0 && s < steps))]
}

/** Each visible vertex's image feature (unit length) under a fit, vertex-major, and which vertices those are. */
function vertexFeatures(fit: Pick<MeshFit, 'projected' | 'visible' | 'cropSize'>, target: ViewTarget): { features: Float32Array; seen: Uint8Array } {
  const n = fit.visible.length
  const C = target.channels
  const features = new Float32Array(n * C)
  const seen = new Uint8Array(n)
  const point = createGridPoint()
  const cells = target.cells
  for (let i = 0; i < n; i++) {
    if (!fit.visible[i]) continue
    locate((fit.projected[2 * i]! / fit.cropSize) * 2 - 1, (fit.projected[2 * i + 1]! / fit.cropSize) * 2 - 1, target.gridWidth, target.gridHeight, point)
    const { fx, fy } = point
    const w = [(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy]
    const corners = [point.c00, point.c01, point.c10, point.c11]
    let norm = 0
    for (let c = 0; c < C; c++) {
      let v = 0
      for (let k = 0; k < 4; k++) v += w[k]! * cells[corners[k]! * C + c]!
      features[i * C + c] = v
      norm += v * v
    }
    if (norm <= 0) continue
    const inv = 1 / Math.sqrt(norm)
    for (let c = 0; c < C; c++) features[i * C + c]! *= inv
    seen[i] = 1
  }
  return { features, seen }
}

/** Mean cosine between two views' features over the vertices both see; null with fewer than MIN_SHARED. */
function agreement(a: { features: Float32Array; seen: Uint8Array }, b: { features: Float32Array; seen: Uint8Array }, C: number): number | null {
  let sum = 0
  let shared = 0
  for (let i = 0; i < a.seen.length; i++) {
    if (!a.seen[i] || !b.seen[i]) continue
    let dot = 0
    for (let c = 0; c < C; c++) dot += a.features[i * C + c]! * b.features[i * C + c]!
    sum += dot
    shared++
  }
  return shared >= MIN_SHARED ? sum / shared : null
}

export interface FrameSync {
  /** The rows of the images whose cameras were turned half a circle. */
  turnedRows: number[]
  /** Each image's kept azimuth before the pass (radians), to check the pass against annotations. */
  keptAzimuths: number[]
  /** Mean agreement over the compared pairs before and after. */
  before: number
  after: number
}

/**
 * Issue 23's front-back ambiguity, settled across the training collection: a near-symmetric
 * object (a car) fits its silhouette as well with the camera turned half a circle, so images
 * are learnt half in one frame and half in the other and the per-vertex features average the
 * front's with the back's. The image features themselves are not averaged, so two images compared
 * vertex by vertex might tell the frames apart (measured: on the car no better than chance, on
 * the bird mostly right; off by default, docs/experiments/frame-sync.md): each image's kept fit is compared with NEIGHBOURS
 * others', as fitted and turned, by the mean cosine of their features at the vertices both see;
 * a label per image (turned or not) is then chosen to maximise the summed agreement of every
 * compared pair in its relative frame (coordinate ascent from all unturned), the labels flipped
 * together if that turns fewer images, and every hypothesis of a turned image has its azimuth
 * moved by pi (its Adam moments stay: the azimuth's rate of change is the same). Deterministic
 * from the state (its own generator seeded by config.seed and the step).
 */
export function synchroniseFrames(state: TrainState, targets: readonly ViewTarget[]): FrameSync {
  const { model, config, cameras } = state
  const shape = categoryForward(model)
  const fits = trainingFits(state, targets)
  const C = targets[0]!.channels
  const views = fits.map((fit, row) => {
    const turned = meshGeometry(instanceForward(model, shape, fit.code).view, turnCamera(cameraParams(fit.pose, fit.camera)), fit.cropSize, config.visibility)
    return [vertexFeatures(fit, targets[row]!), vertexFeatures(turned, targets[row]!)] as const
  })
  const n = fits.length
  const rng = new SeededRandom(config.seed * 1_000_003 + state.step)
  // score[e][r]: agreement of edge e's two images when their relative frame is r (0 same, 1 turned).
  const edges: { i: number; j: number; score: [number, number] }[] = []
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < Math.min(NEIGHBOURS, n - 1); k++) {
      let j = Math.floor(rng.next() * (n - 1))
      if (j >= i) j++
      const same = agreement(views[i]![0], views[j]![0], C)
      const turned = agreement(views[i]![0], views[j]![1], C)
      if (same !== null && turned !== null) edges.push({ i, j, score: [same, turned] })
    }
  }
  const incident: number[][] = Array.from({ length: n }, () => [])
  edges.forEach((e, k) => {
    incident[e.i]!.push(k)
    incident[e.j]!.push(k)
  })
  const label = new Uint8Array(n)
  const total = (): number => edges.reduce((a, e) => a + e.score[(label[e.i]! ^ label[e.j]!) as 0 | 1], 0)
  const before = total()
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    let changed = false
    for (let i = 0; i < n; i++) {
      const gain = [0, 0]
      for (const k of incident[i]!) {
        const e = edges[k]!
        const other = label[e.i === i ? e.j : e.i]!
        for (const l of [0, 1]) gain[l]! += e.score[l ^ other]!
      }
      const best = gain[1]! > gain[0]! + 1e-12 ? 1 : 0
      if (best !== label[i]) {
        label[i] = best
        changed = true
      }
    }
    if (!changed) break
  }
  const after = total()
  if (label.reduce((a, l) => a + l, 0) > n / 2) for (let i = 0; i < n; i++) label[i] = 1 - label[i]!
  const H = config.hypotheses
  for (let row = 0; row < n; row++) {
    if (!label[row]) continue
    state.keptAzimuths[row] = wrapAngle(state.keptAzimuths[row]! + Math.PI)
    for (let h = 0; h < H; h++) {
      const o = (row * H + h) * CAMERA_SIZE
      cameras.value.set(turnCamera(cameras.value, o), o)
    }
  }
  const pairs = Math.max(1, edges.length)
  const turnedRows = [...label.keys()].filter((row) => label[row])
  return { turnedRows, keptAzimuths: fits.map((f) => f.pose.azimuth), before: before / pairs, after: after / pairs }
}
