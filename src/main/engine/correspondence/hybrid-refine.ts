import type { FeatureMap } from '../../features/backbones/types'
import { sampleFeature, similarityMap } from '../../transfer/nn-match'
import { createGridPoint, locate, sampleScalar } from '../losses/grid-sampler'

export interface HybridOptions {
  /** Search only inside [x1, y1, x2, y2] of the target crop (pixels); default the whole crop. */
  region?: readonly [number, number, number, number]
  /** Similarity evaluated this many times per cell and axis (default 4, as the 2-D matcher). */
  upsample?: number
  /** Width of the prior around the mesh prediction, in crop units (crop side = 1; default 0.15). */
  sigma?: number
}

/**
 * The source keypoint's cosine similarity to every target cell (nn-match's similarityMap), when
 * the caller has it already: it depends on neither the prior nor the weight, so a search over
 * weights and priors computes it once per keypoint.
 */
export type Similarity = Float32Array

type Xy = readonly [number, number]

/**
 * Where the mesh puts a keypoint in the target crop: one point, or several (an equal mixture,
 * e.g. the points of several camera hypotheses); null or no point: no prior, the 2-D matcher.
 */
export type MeshPrior = Xy | readonly Xy[] | null

/** A prior's points (none for null). */
export function priorPoints(prior: MeshPrior): readonly Xy[] {
  if (prior === null || prior.length === 0) return []
  return Array.isArray(prior[0]) ? (prior as readonly Xy[]) : [prior as Xy]
}

/**
 * The squared distance (crop units, crop side = `side` pixels) from crop point (x, y) that the
 * prior amounts to there: -2 sigma^2 log of the mean over its points of exp(-d^2 / (2 sigma^2)),
 * an equal mixture of Gaussians of width sigma. One point gives its d^2, as METHOD §9's penalty
 * lambda d^2 / (2 sigma^2) has it; points that agree give what one does; a position near any
 * one of them is near. `scratch` holds at least points.length numbers (reused across positions).
 */
export function priorDistance2(x: number, y: number, points: readonly Xy[], side: number, sigma: number, scratch: Float64Array = new Float64Array(points.length)): number {
  let least = Number.POSITIVE_INFINITY
  for (let k = 0; k < points.length; k++) {
    const dx = (x - points[k]![0]) / side
    const dy = (y - points[k]![1]) / side
    const d2 = dx * dx + dy * dy
    scratch[k] = d2
    if (d2 < least) least = d2
  }
  if (points.length === 1) return least
  // Shifted by the least, so that far positions do not underflow to log(0).
  const w = 2 * sigma * sigma
  let sum = 0
  for (let k = 0; k < points.length; k++) sum += Math.exp((least - scratch[k]!) / w)
  return least - w * Math.log(sum / points.length)
}

/** The hybrid's scores over the fine grid it searches: (w k) x (h k) positions, `fine` crop pixels apart. */
export interface HybridScores {
  width: number
  height: number
  /** Crop pixels between neighbouring positions; position (a, b) is at ((a + 0.5) fine, (b + 0.5) fine). */
  fine: number
  /** Row-major; -Infinity outside the searched region. Doubles, so that the argmax is the one hybridRefine takes. */
  values: Float64Array
}

/**
 * One source keypoint's hybrid score at every fine position of the target crop: the map whose
 * argmax is hybridRefine's answer (the Transfer view draws it to show why the hybrid chose it).
 */
export function hybridScores(
  src: FeatureMap,
  srcPoint: readonly [number, number],
  trg: FeatureMap,
  meshPrediction: MeshPrior,
  lambda: number,
  options: HybridOptions = {},
  similarity: Similarity = similarityMap(trg, sampleFeature(src, srcPoint[0], srcPoint[1])),
): HybridScores {
  if (!(lambda >= 0)) throw new RangeError(`hybridScores: lambda must be >= 0, got ${lambda}`)
  const k = options.upsample ?? 4
  const sigma = options.sigma ?? 0.15
  const { height: h, width: w, stride } = trg
  const side = w * stride
  const fine = stride / k
  const [rx1, ry1, rx2, ry2] = options.region ?? [0, 0, side, h * stride]
  const a0 = Math.max(0, Math.floor(rx1 / fine))
  const a1 = Math.min(w * k - 1, Math.ceil(rx2 / fine) - 1)
  const b0 = Math.max(0, Math.floor(ry1 / fine))
  const b1 = Math.min(h * k - 1, Math.ceil(ry2 / fine) - 1)
  const point = createGridPoint()
  const prior = priorPoints(meshPrediction)
  const scratch = new Float64Array(prior.length)
  const weight = prior.length > 0 ? lambda / (2 * sigma * sigma) : 0
  const values = new Float64Array(w * k * h * k).fill(Number.NEGATIVE_INFINITY)
  for (let b = b0; b <= b1; b++) {
    const cy = (b + 0.5) * fine
    for (let a = a0; a <= a1; a++) {
      const cx = (a + 0.5) * fine
      let score = sampleScalar(similarity, locate((cx / side) * 2 - 1, (cy / (h * stride)) * 2 - 1, w, h, point))
      if (weight > 0) score -= weight * priorDistance2(cx, cy, prior, side, sigma, scratch)
      values[b * w * k + a] = score
    }
  }
  return { width: w * k, height: h * k, fine, values }
}

/**
 * METHOD §9's hybrid: for each source keypoint, the argmax over the target's upsampled
 * nearest-neighbour similarity minus lambda d^2 / (2 sigma^2), d the distance to the mesh
 * prediction in crop units (with several predictions, priorDistance2 of their mixture for d^2). Lambda 0 (or no mesh prediction) is exactly the 2-D matcher
 * (transfer/nn-match), same grid, same interpolation; the caller chooses lambda per category
 * on validation pairs so that the hybrid falls back to plain NN where the 3-D fit does not help.
 * Crop pixels in and out.
 */
export function hybridRefine(...args: Parameters<typeof hybridRefineScored>): [number, number][] {
  return hybridRefineScored(...args).points
}

/**
 * hybridRefine's answers and the score the hybrid reaches at each (similarity less the prior's
 * penalty): how well a mesh prediction and the 2-D features agree, higher where the features
 * find a good match near where the mesh puts the keypoint.
 */
export function hybridRefineScored(
  src: FeatureMap,
  srcPoints: readonly (readonly [number, number])[],
  trg: FeatureMap,
  meshPredictions: readonly MeshPrior[],
  lambda: number,
  options: HybridOptions = {},
  similarities?: readonly Similarity[],
): { points: [number, number][]; scores: number[] } {
  if (meshPredictions.length !== srcPoints.length) throw new RangeError(`hybridRefine: ${srcPoints.length} points and ${meshPredictions.length} mesh predictions`)
  if (!(lambda >= 0)) throw new RangeError(`hybridRefine: lambda must be >= 0, got ${lambda}`)
  const points: [number, number][] = []
  const scores: number[] = []
  srcPoints.forEach((p, q) => {
    const { width, fine, values } = hybridScores(src, p, trg, meshPredictions[q] ?? null, lambda, options, similarities?.[q])
    // Row-major and strict: the first of equal scores wins, as in the 2-D matcher.
    let best = Number.NEGATIVE_INFINITY
    let at = 0
    for (let i = 0; i < values.length; i++) {
      if (values[i]! > best) {
        best = values[i]!
        at = i
      }
    }
    // An empty region: no position was searched.
    points.push(best === Number.NEGATIVE_INFINITY ? [0, 0] : [((at % width) + 0.5) * fine, (Math.floor(at / width) + 0.5) * fine])
    scores.push(best)
  })
  return { points, scores }
}
