import { z } from 'zod'
import { Job } from './channels/jobs'
import { TransferProgress } from './channels/transfer'

/** Server-to-client streams. Every transport forwards these to every connected client. */
export const events = {
  'job.updated': Job,
  'transfer.progress': TransferProgress,
  log: z.object({
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: z.string(),
    time: z.string(),
  }),
} as const

export type EventName = keyof typeof events
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>
export const EVENT_NAMES = Object.keys(events) as EventName[]
