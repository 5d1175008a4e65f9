import type { ErrorCode } from '../../shared/ipc/result'

/**
 * An error a service throws on purpose: its code and message reach the client as they are.
 * Anything else thrown becomes INTERNAL with a generic message (details stay in main's log).
 */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly details: unknown
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.details = details
  }
}

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} not found`)
