import { z } from 'zod'
import { THRESHOLD_KINDS } from '../../eval/pck-types'
import type { PckReport } from '../../eval/pck-types'
import { channel } from '../define'
import { DatasetName, Point, Split } from './datasets'

/** Numbers, or strings kept as written ("0.10") for the report's keys. */
const Alphas = z
  .array(z.union([z.number().positive().max(1), z.string().regex(/^\d*\.?\d+$/)]))
  .min(1)
  .max(20)
export const Threshold = z.enum(THRESHOLD_KINDS)
export const CompareKind = z.enum(['le', 'lt'])

/** The conventions a report was scored with (SPair-71k's where a stored report predates them). */
export const EvalOptions = z.object({
  alphas: Alphas.default([0.05, 0.1, 0.15]),
  threshold: Threshold.default('bbox'),
  compare: CompareKind.default('le'),
})
export type EvalOptions = z.infer<typeof EvalOptions>

/** What a request may override; anything left out is the data set's own convention (PCK_CONVENTIONS). */
export const EvalOverrides = z.object({
  alphas: Alphas.optional(),
  threshold: Threshold.optional(),
  compare: CompareKind.optional(),
})
export type EvalOverrides = z.infer<typeof EvalOverrides>

const Report = z.custom<PckReport>(
  (v) => typeof v === 'object' && v !== null && 'overall' in v && 'categories' in v,
  'expected a PCK report',
)

export const ReportSummary = z.object({
  key: z.string(),
  method: z.string(),
  dataset: z.string(),
  split: Split,
  options: EvalOptions,
  createdAt: z.string(),
  report: Report,
})
export type ReportSummary = z.infer<typeof ReportSummary>


export const PairSort = z.enum(['pck', 'error', 'pair'])
export type PairSort = z.infer<typeof PairSort>

/** One evaluated pair of a method: its cached prediction scored at one alpha. */
export const PairResult = z.object({
  /** Position in the evaluation's pair order of the split (category, pair id), whatever the filters. */
  index: z.number().int().nonnegative(),
  split: Split,
  name: z.string(),
  category: z.string(),
  pairId: z.number().int().nonnegative(),
  srcStem: z.string(),
  trgStem: z.string(),
  kpsIds: z.array(z.number().int()),
  /** The method's cached predictions, one per keypoint row (null = no answer, scored as wrong). */
  predicted: z.array(Point.nullable()),
  points: z.number().int().nonnegative(),
  correct: z.number().int().nonnegative(),
  /** PCK of this pair at the requested alpha, in [0, 1]. */
  pck: z.number(),
  /** T in target pixels: the pixel threshold at alpha is alpha * threshold. */
  threshold: z.number(),
  /** Mean of error / T over the pair's points; null when a point has no prediction. */
  meanNormError: z.number().nullable(),
  missing: z.number().int().nonnegative(),
})
export type PairResult = z.infer<typeof PairResult>

export const evalChannels = {
  'eval.run': channel({
    doc: 'Score a method on a split (PCK), as a job whose result is the report (cache: "hit" when it was stored already).',
    request: z
      .object({
        dataset: DatasetName,
        split: Split.default('test'),
        method: z.string().min(1).max(4096),
        /** Score only these categories' pairs (default: all). */
        categories: z.array(z.string().min(1)).min(1).optional(),
        ...EvalOverrides.shape,
      })
      .strict(),
    response: z.object({ jobId: z.string() }),
  }),
  'eval.reports': channel({
    doc: 'Stored reports, newest first, optionally of one data set.',
    request: z.object({ dataset: DatasetName.optional() }).strict(),
    response: z.array(ReportSummary),
  }),
  'eval.pairs': channel({
    doc: 'Per-pair results of an evaluated method on a split, from its cached predictions: PCK at one alpha and mean normalised error, sorted (pck ascending = worst first) and paged.',
    request: z
      .object({
        dataset: DatasetName,
        split: Split.default('test'),
        method: z.string().min(1).max(4096),
        category: z.string().min(1).optional(),
        /** Only this pair (by name): its row with the predictions, for a view that opened it. */
        pair: z.string().min(1).max(300).optional(),
        alpha: z.number().positive().max(1).default(0.1),
        /** Default: the data set's own convention. */
        threshold: Threshold.optional(),
        compare: CompareKind.optional(),
        sort: PairSort.default('pck'),
        descending: z.boolean().default(false),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    response: z.object({
      method: z.string(),
      dataset: z.string(),
      split: Split,
      alpha: z.number(),
      /** Pairs with a cached prediction (before paging). */
      total: z.number().int().nonnegative(),
      offset: z.number().int().nonnegative(),
      /** Mean of per-pair PCK over all `total` pairs (PCK per image). */
      perImage: z.number().nullable(),
      /** True when the predictions were made on an earlier version of the data set (curation changed since). */
      stale: z.boolean(),
      items: z.array(PairResult),
    }),
  }),
}
