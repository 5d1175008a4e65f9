import { scorePairs } from './pck-score'
import type { PairScores } from './pck-score'
import { FLAG_NAMES } from './pck-types'
import type { ByAlpha, FlagName, PckOptions, PckReport, ReportMeta, ScoredPair } from './pck-types'

/** Running sums of one group of pairs; per-alpha arrays are indexed like `PairScores.alphas`. */
interface GroupSums {
  pairs: number
  points: number
  /** Sum over pairs of correct / N (for perImage). */
  pckSum: Float64Array
  /** Pooled correct points (for perPoint). */
  correct: Float64Array
}

const ratio = (x: number, d: number): number => (d > 0 ? x / d : 0)
const numerically = (a: number, b: number): number => a - b

function sumsIn<K>(map: Map<K, GroupSums>, key: K, alphas: number): GroupSums {
  let g = map.get(key)
  if (!g) map.set(key, (g = { pairs: 0, points: 0, pckSum: new Float64Array(alphas), correct: new Float64Array(alphas) }))
  return g
}

function byAlpha<T>(scores: PairScores, cell: (a: number) => T): ByAlpha<T> {
  const out: ByAlpha<T> = {}
  scores.alphas.forEach((alpha, a) => (out[alpha.key] = cell(a)))
  return out
}

/**
 * Aggregates one scoring pass into the report. Pairs without keypoints are not scored: their PCK
 * is 0/0, and counting them either way would shift perImage.
 */
export function reportOf(scores: PairScores, meta: ReportMeta): PckReport {
  const A = scores.alphas.length
  const { pairs, offsets, correct, hits } = scores
  const overall: GroupSums = { pairs: 0, points: 0, pckSum: new Float64Array(A), correct: new Float64Array(A) }
  const byCategory = new Map<string, GroupSums>()
  const byFlag = new Map<FlagName, Map<number, GroupSums>>(FLAG_NAMES.map((f) => [f, new Map()]))
  const byKeypoint = new Map<string, Map<number, { points: number; correct: Float64Array }>>()
  let fallbacks = 0

  for (let p = 0; p < pairs.length; p++) {
    const pair = pairs[p] as ScoredPair
    const start = offsets[p] as number
    const n = (offsets[p + 1] as number) - start
    if (n === 0) continue
    fallbacks += scores.fallback[p] as number
    const groups = [overall, sumsIn(byCategory, pair.category, A)]
    for (const f of FLAG_NAMES) {
      const level = pair.flags[f]
      if (level !== null && level !== undefined) groups.push(sumsIn(byFlag.get(f) as Map<number, GroupSums>, level, A))
    }
    for (const g of groups) {
      g.pairs++
      g.points += n
      for (let a = 0; a < A; a++) {
        const c = correct[p * A + a] as number
        g.pckSum[a] = (g.pckSum[a] as number) + c / n
        g.correct[a] = (g.correct[a] as number) + c
      }
    }
    let kps = byKeypoint.get(pair.category)
    if (!kps) byKeypoint.set(pair.category, (kps = new Map()))
    for (let i = 0; i < n; i++) {
      const id = pair.kpsIds[i] as number
      let kp = kps.get(id)
      if (!kp) kps.set(id, (kp = { points: 0, correct: new Float64Array(A) }))
      kp.points++
      for (let a = 0; a < A; a++) kp.correct[a] = (kp.correct[a] as number) + (hits[(start + i) * A + a] as number)
    }
  }

  const categoryNames = [...byCategory.keys()].sort()
  const categories: PckReport['categories'] = {}
  // Summed in name order, so that any implementation summing categories alphabetically agrees to the bit.
  const categoryPerImageSum = new Float64Array(A)
  for (const name of categoryNames) {
    const g = byCategory.get(name) as GroupSums
    categories[name] = byAlpha(scores, (a) => {
      const perImage = ratio(g.pckSum[a] as number, g.pairs)
      categoryPerImageSum[a] = (categoryPerImageSum[a] as number) + perImage
      return { perImage, perPoint: ratio(g.correct[a] as number, g.points), pairs: g.pairs, points: g.points }
    })
  }
  const flags = {} as PckReport['flags']
  for (const f of FLAG_NAMES) {
    const levels = byFlag.get(f) as Map<number, GroupSums>
    flags[f] = {}
    for (const level of [...levels.keys()].sort(numerically)) {
      const g = levels.get(level) as GroupSums
      flags[f][String(level)] = byAlpha(scores, (a) => ({
        perImage: ratio(g.pckSum[a] as number, g.pairs),
        perPoint: ratio(g.correct[a] as number, g.points),
        pairs: g.pairs,
      }))
    }
  }
  const keypoints: PckReport['keypoints'] = {}
  for (const name of categoryNames) {
    const kps = byKeypoint.get(name) as Map<number, { points: number; correct: Float64Array }>
    const cat: PckReport['keypoints'][string] = (keypoints[name] = {})
    for (const id of [...kps.keys()].sort(numerically)) {
      const kp = kps.get(id) as { points: number; correct: Float64Array }
      cat[String(id)] = byAlpha(scores, (a) => ({ perPoint: ratio(kp.correct[a] as number, kp.points), points: kp.points }))
    }
  }

  return {
    method: meta.method,
    dataset: meta.dataset,
    split: meta.split,
    threshold: scores.threshold,
    compare: scores.compare,
    alphas: scores.alphas.map((a) => a.key),
    fallbacks,
    overall: byAlpha(scores, (a) => ({
      perImage: ratio(overall.pckSum[a] as number, overall.pairs),
      perPoint: ratio(overall.correct[a] as number, overall.points),
      meanOfCategories: ratio(categoryPerImageSum[a] as number, categoryNames.length),
      pairs: overall.pairs,
      points: overall.points,
    })),
    categories,
    flags,
    keypoints,
    cache: meta.cache,
  }
}

/** Scores and aggregates in one call; `scores` holds the per-pair detail that the JSON report leaves out. */
export function evaluatePck(pairs: readonly ScoredPair[], meta: ReportMeta, options: PckOptions = {}): { report: PckReport; scores: PairScores } {
  const scores = scorePairs(pairs, options)
  return { report: reportOf(scores, meta), scores }
}
