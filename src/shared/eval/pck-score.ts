import { DEFAULT_ALPHAS, parseAlphas } from './alpha-keys'
import type { Alpha } from './alpha-keys'
import type { Compare, PckOptions, ScoredPair, ThresholdKind } from './pck-types'

/**
 * Per-point results of one scoring pass, as flat typed arrays so that 12k pairs x 10 points cost
 * a few allocations instead of 120k objects. Point k of pair p is at k = offsets[p] + i.
 */
export interface PairScores {
  pairs: readonly ScoredPair[]
  alphas: readonly Alpha[]
  threshold: ThresholdKind
  compare: Compare
  /** Points of pair p are [offsets[p], offsets[p + 1]); length pairs + 1. */
  offsets: Uint32Array
  /** Distance to the ground truth in target pixels; NaN = missing prediction. */
  errors: Float64Array
  /** errors / T: the point is correct at alpha when this is <= alpha ('le') or < alpha ('lt'). NaN = missing. */
  normErrors: Float64Array
  /** T of pair p in pixels (alpha-free): max side of the box or keypoints' box, or max image side for 'image' and fallbacks. */
  thresholds: Float64Array
  /** 1 where pair p wanted a box threshold but had no usable box (or keypoints' box) and used the image size. */
  fallback: Uint8Array
  /** 1 where point k is correct at alpha a, at [k * alphas.length + a]. */
  hits: Uint8Array
  /** Correct points of pair p at alpha a, at [p * alphas.length + a]. */
  correct: Uint32Array
}

const bboxSide = (b: ScoredPair['trgBbox']): number => (b === null ? NaN : Math.max(b[2] - b[0], b[3] - b[1]))
const usable = (t: number): boolean => Number.isFinite(t) && t > 0

/** Max side of the box around the pair's target keypoints (every row: they are the annotated ones). */
function keypointExtent(kps: ScoredPair['trgKps']): number {
  if (kps.length === 0) return NaN
  let [x1, y1] = kps[0] as readonly [number, number]
  let [x2, y2] = [x1, y1]
  for (const [x, y] of kps) {
    x1 = Math.min(x1, x)
    x2 = Math.max(x2, x)
    y1 = Math.min(y1, y)
    y2 = Math.max(y2, y)
  }
  return Math.max(x2 - x1, y2 - y1)
}

/**
 * Scores every point once. Correctness compares err / T with alpha rather than err with alpha * T:
 * the division is correctly rounded, so an integer error exactly on the threshold (15 px with
 * T = 100 at alpha 0.15) is a tie as intended, where 0.15 * 100 = 15.000000000000002 would not be.
 * A pair without a usable T (degenerate image size too) gets T = NaN: every point wrong.
 */
export function scorePairs(pairs: readonly ScoredPair[], options: PckOptions = {}): PairScores {
  const alphas = parseAlphas(options.alphas ?? DEFAULT_ALPHAS)
  const threshold = options.threshold ?? 'bbox'
  const compare = options.compare ?? 'le'
  const A = alphas.length
  const values = Float64Array.from(alphas, (a) => a.value)

  const offsets = new Uint32Array(pairs.length + 1)
  for (let p = 0; p < pairs.length; p++) {
    const pair = pairs[p] as ScoredPair
    if (pair.kpsIds.length !== pair.trgKps.length) {
      throw new RangeError(`${pair.split}/${pair.name}: ${pair.kpsIds.length} keypoint ids for ${pair.trgKps.length} keypoints`)
    }
    offsets[p + 1] = (offsets[p] as number) + pair.trgKps.length
  }
  const total = offsets[pairs.length] as number
  const errors = new Float64Array(total)
  const normErrors = new Float64Array(total)
  const thresholds = new Float64Array(pairs.length)
  const fallback = new Uint8Array(pairs.length)
  const hits = new Uint8Array(total * A)
  const correct = new Uint32Array(pairs.length * A)
  const strict = compare === 'lt'

  for (let p = 0; p < pairs.length; p++) {
    const pair = pairs[p] as ScoredPair
    let t = threshold === 'bbox' ? bboxSide(pair.trgBbox) : threshold === 'bbox-kp' ? keypointExtent(pair.trgKps) : NaN
    if (!usable(t)) {
      if (threshold !== 'image') fallback[p] = 1
      t = Math.max(pair.trgImageSize[0], pair.trgImageSize[1])
      if (!usable(t)) t = NaN
    }
    thresholds[p] = t
    const start = offsets[p] as number
    for (let i = 0; i < pair.trgKps.length; i++) {
      const gt = pair.trgKps[i] as readonly [number, number]
      const pr = pair.predicted[i]
      const k = start + i
      // NaN coordinates propagate to a NaN error, which fails both comparisons below: missing = wrong.
      const err = pr ? Math.sqrt((pr[0] - gt[0]) ** 2 + (pr[1] - gt[1]) ** 2) : NaN
      const ne = err / t
      errors[k] = err
      normErrors[k] = ne
      for (let a = 0; a < A; a++) {
        const alpha = values[a] as number
        if (strict ? ne < alpha : ne <= alpha) {
          hits[k * A + a] = 1
          correct[p * A + a] = (correct[p * A + a] as number) + 1
        }
      }
    }
  }
  return { pairs, alphas, threshold, compare, offsets, errors, normErrors, thresholds, fallback, hits, correct }
}
