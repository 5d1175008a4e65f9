import type { z } from 'zod'
import { contract, isChannelName } from '../../shared/ipc/contract'
import type { ChannelName, ParsedRequestOf, ResponseOf } from '../../shared/ipc/contract'
import type { Result } from '../../shared/ipc/result'
import { AppError } from './app-error'
import { isStorageError, storageError } from './storage-error'

export interface CallContext {
  transport: 'electron' | 'websocket' | 'cli' | 'test'
}

export type Handler<C extends ChannelName> = (
  request: ParsedRequestOf<C>,
  ctx: CallContext,
) => Promise<ResponseOf<C>> | ResponseOf<C>

export type HandlerMap = { [C in ChannelName]: Handler<C> }

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }))
}

/**
 * Every transport calls `invoke`: it validates the payload against the contract, runs the
 * service, and turns every outcome into a Result. It never throws.
 */
export class HandlerRegistry {
  constructor(
    private readonly handlers: HandlerMap,
    private readonly onInternalError: (channel: string, error: unknown) => void = () => {},
  ) {}

  async invoke(channel: unknown, payload: unknown, ctx: CallContext): Promise<Result<unknown>> {
    if (!isChannelName(channel)) {
      return {
        ok: false,
        error: { code: 'UNKNOWN_CHANNEL', message: `unknown channel ${JSON.stringify(String(channel)).slice(0, 120)}` },
      }
    }
    const def = contract[channel]
    const parsed = def.request.safeParse(payload ?? {})
    if (!parsed.success) {
      const details = issuesOf(parsed.error)
      const first = details[0]
      return {
        ok: false,
        error: {
          code: 'VALIDATION',
          message: `invalid request for ${channel}: ${first ? `${first.path}: ${first.message}` : 'bad payload'}`,
          details,
        },
      }
    }
    try {
      const handler = this.handlers[channel] as Handler<typeof channel>
      const value = await handler(parsed.data as never, ctx)
      const checked = def.response.safeParse(value)
      if (!checked.success) throw new Error(`handler for ${channel} broke its response schema: ${checked.error.message}`)
      return { ok: true, value: checked.data }
    } catch (error) {
      if (error instanceof AppError) {
        return { ok: false, error: { code: error.code, message: error.message, details: error.details } }
      }
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
        // Another process (the CLI, a second studio) holds the workspace's write lock longer than the busy timeout.
        return {
          ok: false,
          error: { code: 'CONFLICT', message: 'the workspace is busy with a write from another process (an import or a training run?); try again when it has finished' },
        }
      }
      if (isStorageError(error)) {
        // Disk full, read-only or not permitted: the user can act on it, so it is said plainly.
        const e = storageError(error, undefined, String((error as { code?: unknown }).code).startsWith('SQLITE_'))
        return { ok: false, error: { code: e.code, message: e.message, details: e.details } }
      }
      this.onInternalError(channel, error)
      return { ok: false, error: { code: 'INTERNAL', message: `${channel} failed; see the studio log for details` } }
    }
  }
}
