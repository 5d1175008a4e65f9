import { AppError } from './app-error'

/** File-system and SQLite error codes that mean "this place cannot be written now", not a bug. */
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EIO: 'input/output error from the device',
  SQLITE_FULL: 'the workspace database is full (no space left on the device)',
  SQLITE_READONLY: 'the workspace database is read-only',
  SQLITE_CANTOPEN: 'the workspace database cannot be opened',
  SQLITE_IOERR: 'input/output error while writing the workspace database',
}

function reasonOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return null
  return REASONS[code] ?? (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_READONLY') ? REASONS[code.replace(/_[A-Z]+$/, '')] ?? null : null)
}

/** Whether an error says that storage could not be written (disk full, read-only, permissions), as opposed to a bug. */
export function isStorageError(error: unknown): boolean {
  return !(error instanceof AppError) && reasonOf(error) !== null
}

/**
 * The clear form of a storage failure: a STORAGE error naming what could not be written and why.
 * `where` is the file or folder being written (Node's write errors carry no path of their own).
 * `cleanedUp`: the caller removed whatever it had started, so the message can say so (SQLite
 * rolls a failed transaction back by itself).
 */
export function storageError(error: unknown, where?: string, cleanedUp = true): AppError {
  if (error instanceof AppError) return error
  const reason = reasonOf(error) ?? (error as Error).message
  const path = where ?? (error as { path?: unknown }).path
  const code = (error as { code?: unknown }).code
  const after = cleanedUp ? ' Nothing was left half-written; free space or fix the permissions and try again.' : ' Free space or fix the permissions and try again.'
  return new AppError('STORAGE', `${typeof path === 'string' ? `${path}: ` : ''}cannot write: ${reason}${typeof code === 'string' ? ` (${code})` : ''}.${after}`, { code })
}
