import { createHash } from 'node:crypto'
import type { Split } from '../../../shared/ipc/channels/datasets'
import type { EvalOptions, EvalOverrides, ReportSummary } from '../../../shared/ipc/channels/eval'
import { PCK_CONVENTIONS } from '../../../shared/eval/pck-conventions'
import type { PckConvention } from '../../../shared/eval/pck-conventions'
import { evaluatePck } from '../../../shared/eval/pck-report'
import type { PckReport } from '../../../shared/eval/pck-types'
import { scoredPairOf } from '../../../shared/eval/scored-pair'
import type { RanOn } from '../../../shared/device'
import type { Point } from '../../../shared/ipc/channels/datasets'
import { AppError } from '../../core/app-error'
import type { Db } from '../../store/migration'
import { requireDataset } from '../datasets/dataset-queries'
import type { FeaturesService } from '../features/features-service'
import type { TrainService } from '../train/train-service'
import type { JobContext, JobManager } from '../jobs/job-manager'
import { datasetVersion, evalPairs, transferPairOf } from './eval-pairs'
import { PairResults } from './pair-results'
import type { PairsPage, PairsRequest } from './pair-results'
import { meshMethodKey, resolveMethod } from './resolve-method'

export interface EvalRequest extends EvalOverrides {
  dataset: string
  split: Split
  method: string
  categories?: string[] | undefined
}

/** A report, what the method warned of, and where a model's fits ran when it fitted any. */
export type EvalResult = PckReport & { warnings: string[]; fitsRanOn?: RanOn }
export type { PairsPage, PairsRequest }

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex')

/** What besides the method, data set version and split keys a report; categories null = every category the method answers for. */
export interface ReportOptions {
  alphas: EvalOptions['alphas']
  threshold: EvalOptions['threshold']
  compare: EvalOptions['compare']
  categories: string[] | null
}

/** A request's options, the data set's own convention where it gives none. */
const reportOptions = (req: EvalOverrides, own: PckConvention, categories: string[] | null): ReportOptions => ({
  alphas: req.alphas ?? own.alphas,
  threshold: req.threshold ?? own.threshold,
  compare: req.compare ?? own.compare,
  categories,
})

const reportKey = (methodKey: string, version: string, split: Split, options: ReportOptions): string =>
  sha1(JSON.stringify([methodKey, version, split, options]))

/**
 * Every method through one evaluator. Predictions are cached per pair and reports per
 * (method key, data set version, split, options): asking again is a cache hit, and a new
 * alpha or threshold only re-scores cached predictions.
 */
export class EvalService {
  private readonly pairResults: PairResults

  constructor(
    private readonly db: Db,
    private readonly jobs: JobManager,
    private readonly features: FeaturesService,
    private readonly train: TrainService,
  ) {
    this.pairResults = new PairResults(db)
  }

  startEval(req: EvalRequest): { jobId: string } {
    requireDataset(this.db, req.dataset)
    const jobId = this.jobs.start('eval', `Evaluate ${req.method} on ${req.dataset}/${req.split}`, req, (ctx) => this.evaluate(req, ctx))
    return { jobId }
  }

  async evaluate(req: EvalRequest, ctx?: JobContext): Promise<EvalResult> {
    const ds = requireDataset(this.db, req.dataset)
    const version = datasetVersion(this.db, ds)
    let only = req.categories ? new Set(req.categories) : null
    let pairs = evalPairs(this.db, ds, req.split).filter((p) => !only || only.has(p.pair.category))
    const { method, warnings, category, fitsRanOn } = await resolveMethod(req.method, req.dataset, pairs, { db: this.db, features: this.features, train: this.train }, ctx)
    if (category !== undefined) {
      only = new Set([...(only ?? [category])].filter((c) => c === category))
      pairs = pairs.filter((p) => only!.has(p.pair.category))
    }
    if (only && pairs.length === 0) throw new AppError('BAD_INPUT', `no ${req.split} pairs of ${[...only].join(', ') || 'that category'} in "${req.dataset}"`)
    try {
      const options = reportOptions(req, PCK_CONVENTIONS[ds.reader], req.categories ? [...only!].sort() : null)
      const cached = this.storedReport(method.key, version, req.split, options)
      if (cached) return { ...cached, cache: 'hit', method: req.method, dataset: req.dataset, warnings, ...(fitsRanOn ? { fitsRanOn } : {}) }

      const find = this.db.prepare('SELECT kps FROM predictions WHERE method_key = ? AND dataset_version = ? AND split = ? AND pair = ?')
      const store = this.db.prepare('INSERT OR REPLACE INTO predictions (method_key, dataset_version, split, pair, kps) VALUES (?, ?, ?, ?, ?)')
      const fresh: [string, string][] = []
      const flush = this.db.transaction((rows: [string, string][]) => {
        for (const [pair, kps] of rows) store.run(method.key, version, req.split, pair, kps)
      })
      const scored = []
      for (let i = 0; i < pairs.length; i++) {
        const { pair, trgSize } = pairs[i]!
        const hit = find.get(method.key, version, req.split, pair.name) as { kps: string } | undefined
        let predicted: (Point | null)[]
        if (hit) predicted = JSON.parse(hit.kps) as (Point | null)[]
        else {
          predicted = await method.transfer(transferPairOf(pairs[i]!))
          fresh.push([pair.name, JSON.stringify(predicted)])
          if (fresh.length >= 200) flush(fresh.splice(0))
        }
        scored.push(scoredPairOf(pair, trgSize, predicted))
        if (i % 20 === 19) {
          ctx?.throwIfCancelled()
          ctx?.progress(i + 1, pairs.length, 'pairs')
          await new Promise((r) => setImmediate(r)) // keep the studio answering during long scoring
        }
      }
      flush(fresh.splice(0))
      ctx?.progress(pairs.length, pairs.length, 'pairs')
      const { report } = evaluatePck(scored, { method: req.method, dataset: req.dataset, split: req.split, cache: 'miss' }, options)
      this.storeReport(method.key, version, options, report)
      return { ...report, warnings, ...(fitsRanOn ? { fitsRanOn } : {}) }
    } finally {
      await method.dispose()
    }
  }

  /**
   * A `mesh:<run>` evaluation already cached (computed here, or imported with the run's folder),
   * found without fitting a mesh; null for other methods or when it was never computed.
   */
  cachedRunReport(req: EvalRequest): EvalResult | null {
    if (!req.method.startsWith('mesh:') || req.categories) return null
    const ds = requireDataset(this.db, req.dataset)
    const version = datasetVersion(this.db, ds)
    const { checkpoint } = this.train.loadModel(req.method.slice('mesh:'.length))
    const report = this.storedReport(meshMethodKey(checkpoint), version, req.split, reportOptions(req, PCK_CONVENTIONS[ds.reader], null))
    return report ? { ...report, cache: 'hit', method: req.method, dataset: req.dataset, warnings: [] } : null
  }

  /** The cached report of a method (by its key) on a data set version and split with these options, or null. */
  storedReport(methodKey: string, version: string, split: Split, options: ReportOptions): PckReport | null {
    const row = this.db.prepare('SELECT report FROM reports WHERE report_key = ?').get(reportKey(methodKey, version, split, options)) as { report: string } | undefined
    return row ? (JSON.parse(row.report) as PckReport) : null
  }

  /** Caches a report, computed here or by another process on the same data set version (an imported run's). */
  storeReport(methodKey: string, version: string, options: ReportOptions, report: PckReport): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO reports (report_key, method, method_key, dataset, dataset_version, split, options, report, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(reportKey(methodKey, version, report.split, options), report.method, methodKey, report.dataset, version, report.split, JSON.stringify(options), JSON.stringify({ ...report, cache: 'miss' }), new Date().toISOString())
  }

  /** Per-pair results of an evaluated method, sorted and paged (see PairResults). */
  pairs(req: PairsRequest): PairsPage {
    return this.pairResults.page(req)
  }

  /** Cached reports, newest first, optionally of one data set. */
  reports(dataset?: string): ReportSummary[] {
    const rows = (
      dataset === undefined
        ? this.db.prepare('SELECT * FROM reports ORDER BY created_at DESC').all()
        : this.db.prepare('SELECT * FROM reports WHERE dataset = ? ORDER BY created_at DESC').all(dataset)
    ) as { report_key: string; method: string; dataset: string; split: Split; options: string; report: string; created_at: string }[]
    return rows.map((r) => ({
      key: r.report_key,
      method: r.method,
      dataset: r.dataset,
      split: r.split,
      options: JSON.parse(r.options) as EvalOptions,
      createdAt: r.created_at,
      report: JSON.parse(r.report) as ReportSummary['report'],
    }))
  }
}
