/**
 * The envelope every call returns over every transport. Errors are data, not exceptions,
 * so that a transport never has to serialise an Error object (and never leaks a stack).
 */
export const ERROR_CODES = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'CANCELLED',
  'BAD_INPUT',
  'UNAUTHORIZED',
  'UNKNOWN_CHANNEL',
  /** Storage could not be written: disk full, read-only or not permitted. Nothing was half-written. */
  'STORAGE',
  'INTERNAL',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface IpcErrorBody {
  code: ErrorCode
  message: string
  details?: unknown
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: IpcErrorBody }

/** Thrown by the typed client when a call returns `{ ok: false }`. */
export class IpcError extends Error {
  readonly code: ErrorCode
  readonly details: unknown
  constructor(body: IpcErrorBody) {
    super(body.message)
    this.name = 'IpcError'
    this.code = body.code
    this.details = body.details
  }
}
