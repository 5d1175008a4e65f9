import { z } from 'zod'

/** Frames of the WebSocket transport. One request frame gets exactly one response frame. */
export const RequestFrame = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  channel: z.string().max(200),
  payload: z.unknown(),
})
export type RequestFrame = z.infer<typeof RequestFrame>

export type ResponseFrame = { type: 'result'; id: number; result: unknown }
export type EventFrame = { type: 'event'; event: string; payload: unknown }
export type ServerFrame = ResponseFrame | EventFrame

/** The Electron IPC channel prefix; the preload only ever invokes `semagic:<contract channel>`. */
export const IPC_PREFIX = 'semagic:'
export const IPC_EVENT = 'semagic-event'
