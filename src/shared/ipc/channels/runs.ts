import { z } from 'zod'
import { channel } from '../define'

/** Where one job or task of a cluster bench stands. */
export const BenchJobState = z.enum(['queued', 'running', 'done', 'failed', 'unknown'])
export type BenchJobState = z.infer<typeof BenchJobState>

export const BenchStatus = z.object({
  id: z.string(),
  dataset: z.string(),
  createdAt: z.string(),
  /** The bench's folder in the workspace (plan, scripts, logs, table). */
  folder: z.string(),
  features: BenchJobState,
  collect: BenchJobState,
  counts: z.record(BenchJobState, z.number().int()),
  tasks: z.array(z.object({ index: z.number().int(), runId: z.string(), label: z.string(), state: BenchJobState, restarts: z.number().int() })),
  finished: z.boolean(),
  /** The table the collecting job printed, once it ran. */
  table: z.string().nullable(),
})
export type BenchStatus = z.infer<typeof BenchStatus>

export const runsChannels = {
  'runs.import': channel({
    doc: 'Index finished run folders trained elsewhere (a cluster, another machine); a folder outside the workspace is copied into its runs/. Unfinished runs and runs of another data set version are refused, each with its reason.',
    request: z.object({ folders: z.array(z.string().min(1).max(4096)).min(1).max(1000) }).strict(),
    response: z.object({
      imported: z.array(z.object({ id: z.string(), copied: z.boolean(), reports: z.number().int() })),
      refused: z.array(z.object({ folder: z.string(), message: z.string() })),
    }),
  }),
  'runs.benches': channel({
    doc: 'Benches handed to a cluster from this workspace, newest first, and where each task stands (from the bench folder and the scheduler; never waits on a job).',
    request: z.object({}).strict(),
    response: z.array(BenchStatus),
  }),
}
