import { z } from 'zod'
import type { PckReport } from '../../eval/pck-types'
import { channel } from '../define'
import { DatasetName, Split } from './datasets'

export const EvalOptions = z.object({
  /** Numbers, or strings kept as written ("0.10") for the report's keys. */
  alphas: z
    .array(z.union([z.number().positive().max(1), z.string().regex(/^\d*\.?\d+$/)]))
    .min(1)
    .max(20)
    .default([0.05, 0.1, 0.15]),
  threshold: z.enum(['bbox', 'image']).default('bbox'),
  compare: z.enum(['le', 'lt']).default('le'),
})
export type EvalOptions = z.infer<typeof EvalOptions>

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
        ...EvalOptions.shape,
      })
      .strict(),
    response: z.object({ jobId: z.string() }),
  }),
  'eval.reports': channel({
    doc: 'Stored reports, newest first, optionally of one data set.',
    request: z.object({ dataset: DatasetName.optional() }).strict(),
    response: z.array(ReportSummary),
  }),
}
