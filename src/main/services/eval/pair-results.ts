import type { Point, Split } from '../../../shared/ipc/channels/datasets'
import type { PairResult, PairSort } from '../../../shared/ipc/channels/eval'
import { formatAlpha } from '../../../shared/eval/alpha-keys'
import { rankPairs } from '../../../shared/eval/pair-ranking'
import type { RankedPair } from '../../../shared/eval/pair-ranking'
import { scorePairs } from '../../../shared/eval/pck-score'
import type { PairScores } from '../../../shared/eval/pck-score'
import type { Compare, ScoredPair, ThresholdKind } from '../../../shared/eval/pck-types'
import { PCK_CONVENTIONS } from '../../../shared/eval/pck-conventions'
import { scoredPairOf } from '../../../shared/eval/scored-pair'
import { AppError } from '../../core/app-error'
import type { Db } from '../../store/migration'
import { requireDataset } from '../datasets/dataset-queries'
import { datasetVersion, evalPairs } from './eval-pairs'
import type { EvalPair } from './eval-pairs'

export interface PairsRequest {
  dataset: string
  split: Split
  method: string
  category?: string | undefined
  pair?: string | undefined
  alpha: number
  /** Default: the data set's own convention. */
  threshold?: ThresholdKind | undefined
  compare?: Compare | undefined
  sort: PairSort
  descending: boolean
  offset: number
  limit: number
}

export interface PairsPage {
  method: string
  dataset: string
  split: Split
  alpha: number
  total: number
  offset: number
  perImage: number | null
  stale: boolean
  items: PairResult[]
}

/** One method's predictions on one split, scored at one alpha: what every page and sort order reads. */
interface Scored {
  /** Position of each pair in the split's evaluation order (all categories). */
  indices: number[]
  pairs: EvalPair[]
  scores: PairScores
  rows: RankedPair[]
  missing: Uint32Array
  perImage: number | null
  stale: boolean
  orders: Map<string, number[]>
}

/** A method's predictions on a split, with the split's pairs, read once. */
interface Base {
  pairs: EvalPair[]
  scoredPairs: ScoredPair[]
  /** Scored by category, alpha and conventions. */
  views: Map<string, Scored>
}

/** Methods' splits kept for paging, re-sorting and another alpha; a list is read page by page, sort by sort. */
const KEEP = 4
const KEEP_VIEWS = 8

/**
 * Per-pair results of an evaluated method (the Transfer view's pair list and the Reports view's
 * worst pairs): the cached predictions of the newest report's method key (preferring one made on
 * the current data set version) scored at one alpha. Scoring a 12k-pair split takes a while, so
 * the split's pairs and predictions are kept, keyed by everything they depend on (the method key,
 * the data set version, the newest report of that key), and so is each scoring of them (by
 * category, alpha and conventions); paging and another sort order then only slice and sort.
 */
export class PairResults {
  private readonly cache = new Map<string, Base>()

  constructor(private readonly db: Db) {}

  page(req: PairsRequest): PairsPage {
    const s = this.scored(req)
    const orderKey = `${req.sort}:${req.descending}`
    let order = s.orders.get(orderKey)
    if (!order) s.orders.set(orderKey, (order = rankPairs(s.rows, req.sort, req.descending)))
    const items = order.slice(req.offset, req.offset + req.limit).map((i) => this.item(s, i))
    return {
      method: req.method,
      dataset: req.dataset,
      split: req.split,
      alpha: req.alpha,
      total: s.pairs.length,
      offset: req.offset,
      perImage: s.perImage,
      stale: s.stale,
      items,
    }
  }

  private scored(req: PairsRequest): Scored {
    const ds = requireDataset(this.db, req.dataset)
    const own = PCK_CONVENTIONS[ds.reader]
    const threshold = req.threshold ?? own.threshold
    const compare = req.compare ?? own.compare
    const version = datasetVersion(this.db, ds)
    const runs = this.db
      .prepare(
        `SELECT method_key, dataset_version, MAX(created_at) AS newest FROM reports WHERE dataset = ? AND split = ? AND method = ?
         GROUP BY method_key, dataset_version ORDER BY newest DESC`,
      )
      .all(req.dataset, req.split, req.method) as { method_key: string; dataset_version: string; newest: string }[]
    const run = runs.find((r) => r.dataset_version === version) ?? runs[0]
    if (!run) throw new AppError('NOT_FOUND', `"${req.method}" has not been evaluated on ${req.dataset}/${req.split}: run the evaluation first`)
    const baseKey = JSON.stringify([ds.id, version, run, req.split])
    let base = this.cache.get(baseKey)
    if (base) this.cache.delete(baseKey) // most recently used last
    else {
      const rows = this.db
        .prepare('SELECT pair, kps FROM predictions WHERE method_key = ? AND dataset_version = ? AND split = ?')
        .all(run.method_key, run.dataset_version, req.split) as { pair: string; kps: string }[]
      const cached = new Map(rows.map((r) => [r.pair, r.kps]))
      const pairs = evalPairs(this.db, ds, req.split).filter((p) => cached.has(p.pair.name))
      base = {
        pairs,
        scoredPairs: pairs.map((p) => scoredPairOf(p.pair, p.trgSize, JSON.parse(cached.get(p.pair.name)!) as (Point | null)[])),
        views: new Map(),
      }
    }
    this.cache.set(baseKey, base)
    while (this.cache.size > KEEP) this.cache.delete(this.cache.keys().next().value!)
    const viewKey = JSON.stringify([req.category ?? null, req.pair ?? null, req.alpha, threshold, compare])
    const hit = base.views.get(viewKey)
    if (hit) return hit
    const chosen = base.pairs.flatMap((p, i) =>
      (req.category === undefined || p.pair.category === req.category) && (req.pair === undefined || p.pair.name === req.pair) ? [i] : [],
    )
    const pairs = chosen.map((i) => base.pairs[i]!)
    const scores = scorePairs(
      chosen.map((i) => base.scoredPairs[i]!),
      { alphas: [formatAlpha(req.alpha)], threshold, compare },
    )
    const missing = new Uint32Array(pairs.length)
    const ranked = pairs.map((_, p): RankedPair => {
      const start = scores.offsets[p]!
      const n = scores.offsets[p + 1]! - start
      let sum = 0
      for (let k = start; k < start + n; k++) {
        const e = scores.normErrors[k]!
        if (Number.isNaN(e)) missing[p]! += 1
        else sum += e
      }
      return { pck: n > 0 ? scores.correct[p]! / n : 0, meanNormError: n === 0 ? NaN : missing[p]! > 0 ? Infinity : sum / n }
    })
    const scored: Scored = {
      indices: chosen,
      pairs,
      scores,
      rows: ranked,
      missing,
      perImage: ranked.length ? ranked.reduce((s, r) => s + r.pck, 0) / ranked.length : null,
      stale: run.dataset_version !== version,
      orders: new Map(),
    }
    base.views.set(viewKey, scored)
    if (base.views.size > KEEP_VIEWS) base.views.delete(base.views.keys().next().value!)
    return scored
  }

  private item(s: Scored, i: number): PairResult {
    const { pair } = s.pairs[i]!
    const start = s.scores.offsets[i]!
    const r = s.rows[i]!
    const points = pair.kpsIds.length
    let correct = 0
    for (let k = start; k < start + points; k++) correct += s.scores.hits[k]!
    return {
      index: s.indices[i]!,
      split: pair.split,
      name: pair.name,
      category: pair.category,
      pairId: pair.pairId,
      srcStem: pair.srcStem,
      trgStem: pair.trgStem,
      kpsIds: [...pair.kpsIds],
      predicted: pair.kpsIds.map((_, k) => {
        const p = s.scores.pairs[i]!.predicted[k]
        return p && Number.isFinite(p[0]) && Number.isFinite(p[1]) ? [p[0], p[1]] : null
      }),
      points,
      correct,
      pck: r.pck,
      threshold: s.scores.thresholds[i]!,
      meanNormError: Number.isFinite(r.meanNormError) ? r.meanNormError : null,
      missing: s.missing[i]!,
    }
  }
}
