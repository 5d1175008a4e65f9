import type { PairScores } from './pck-score'
import type { ByAlpha, ScoredPair } from './pck-types'

/** One pair's scores as plain JSON (null = missing prediction), for lists and overlays. */
export interface PairDetail {
  index: number
  split: ScoredPair['split']
  name: string
  category: string
  kpsIds: number[]
  /** T in pixels (alpha-free); the pixel threshold at alpha is alpha * threshold. */
  threshold: number
  fallback: boolean
  errors: (number | null)[]
  normErrors: (number | null)[]
  /** Mean of normErrors with a missing prediction as Infinity, so that it sorts last. */
  meanNormError: number
  pck: ByAlpha<number>
  correct: ByAlpha<boolean[]>
}

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x)

function meanNormError(scores: PairScores, p: number): number {
  const start = scores.offsets[p] as number
  const end = scores.offsets[p + 1] as number
  let sum = 0
  for (let k = start; k < end; k++) {
    const e = scores.normErrors[k] as number
    sum += Number.isNaN(e) ? Infinity : e
  }
  return end > start ? sum / (end - start) : NaN
}

function alphaIndex(scores: PairScores, alphaKey: string): number {
  const a = scores.alphas.findIndex((x) => x.key === alphaKey)
  if (a < 0) throw new RangeError(`alpha ${alphaKey} was not scored (scored: ${scores.alphas.map((x) => x.key).join(', ')})`)
  return a
}

export function pairDetail(scores: PairScores, p: number): PairDetail {
  const pair = scores.pairs[p]
  if (!pair) throw new RangeError(`no pair ${p} (${scores.pairs.length} scored)`)
  const A = scores.alphas.length
  const start = scores.offsets[p] as number
  const n = (scores.offsets[p + 1] as number) - start
  const points = Array.from({ length: n }, (_, i) => start + i)
  const pck: ByAlpha<number> = {}
  const correct: ByAlpha<boolean[]> = {}
  scores.alphas.forEach((alpha, a) => {
    pck[alpha.key] = n > 0 ? (scores.correct[p * A + a] as number) / n : 0
    correct[alpha.key] = points.map((k) => scores.hits[k * A + a] === 1)
  })
  return {
    index: p,
    split: pair.split,
    name: pair.name,
    category: pair.category,
    kpsIds: [...pair.kpsIds],
    threshold: scores.thresholds[p] as number,
    fallback: scores.fallback[p] === 1,
    errors: points.map((k) => orNull(scores.errors[k] as number)),
    normErrors: points.map((k) => orNull(scores.normErrors[k] as number)),
    meanNormError: meanNormError(scores, p),
    pck,
    correct,
  }
}

/**
 * Pair indices, worst first: lowest PCK at `alphaKey`, then largest mean normalised error, then
 * input order. Indices rather than details so that a view can page through 12k pairs cheaply.
 */
export function pairsWorstFirst(scores: PairScores, alphaKey: string): Uint32Array {
  const a = alphaIndex(scores, alphaKey)
  const A = scores.alphas.length
  const P = scores.pairs.length
  const pck = new Float64Array(P)
  const err = new Float64Array(P)
  for (let p = 0; p < P; p++) {
    const n = (scores.offsets[p + 1] as number) - (scores.offsets[p] as number)
    pck[p] = n > 0 ? (scores.correct[p * A + a] as number) / n : 0
    err[p] = meanNormError(scores, p)
  }
  const order = Uint32Array.from({ length: P }, (_, p) => p)
  return order.sort((x, y) => {
    const byPck = (pck[x] as number) - (pck[y] as number)
    if (byPck !== 0) return byPck
    const ex = err[x] as number
    const ey = err[y] as number
    return ex === ey || (Number.isNaN(ex) && Number.isNaN(ey)) ? x - y : Number.isNaN(ex) ? 1 : Number.isNaN(ey) ? -1 : ey - ex
  })
}
