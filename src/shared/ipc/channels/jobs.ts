import { z } from 'zod'
import { channel } from '../define'
import { ERROR_CODES } from '../result'

export const JobStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'])
export type JobStatus = z.infer<typeof JobStatus>

export const Progress = z.object({
  done: z.number().nonnegative(),
  total: z.number().nonnegative().nullable(),
  unit: z.string(),
  ratePerSec: z.number().nonnegative().nullable(),
  etaSec: z.number().nonnegative().nullable(),
  message: z.string().optional(),
})
export type Progress = z.infer<typeof Progress>

export const Job = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  status: JobStatus,
  progress: Progress.nullable(),
  result: z.json().nullable(),
  error: z.string().nullable(),
  /** The failure's error code, as the call that waited on the job received it. */
  errorCode: z.enum(ERROR_CODES).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type Job = z.infer<typeof Job>

export const JobId = z.string().min(1).max(64)

export const jobsChannels = {
  'jobs.list': channel({
    doc: 'Recent jobs, newest first.',
    request: z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(),
    response: z.array(Job),
  }),
  'jobs.get': channel({
    doc: 'One job by id.',
    request: z.object({ id: JobId }).strict(),
    response: Job,
  }),
  'jobs.cancel': channel({
    doc: 'Ask a running job to stop; it ends as "cancelled" at its next checkpoint.',
    request: z.object({ id: JobId }).strict(),
    response: z.object({ id: z.string(), cancelRequested: z.boolean() }),
  }),
}
