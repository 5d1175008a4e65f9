import type { z } from 'zod'

export interface ChannelDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  doc: string
  request: Req
  response: Res
}

/** Identity helper that keeps the schemas' precise types for inference. */
export function channel<Req extends z.ZodType, Res extends z.ZodType>(def: ChannelDef<Req, Res>): ChannelDef<Req, Res> {
  return def
}
