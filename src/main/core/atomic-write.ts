import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { storageError } from './storage-error'

let counter = 0

/** A unique temporary name next to `path` (same folder, so the final rename stays on one file system). */
export function temporaryName(path: string): string {
  return `${path}.tmp-${process.pid}-${++counter}`
}

/** Removes a temporary file or folder; a failure here must not hide the error that led to it. */
export function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true })
  } catch {
    // left for the next start's clean-up of temporary names
  }
}

/** Writes and syncs a whole file at `path` (no rename); on failure closes it and rethrows. */
export function writeFileSynced(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const chunks = typeof data === 'string' ? [Buffer.from(data)] : data instanceof Uint8Array ? [data] : data
  const fd = openSync(path, 'w')
  try {
    for (const c of chunks) {
      // writeSync may write less than asked (a full disk can end a write part way).
      for (let done = 0; done < c.byteLength; ) done += writeSync(fd, c, done, c.byteLength - done)
    }
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Replaces `path` with `data` atomically: written to a temporary name in the same folder, synced,
 * then renamed over the old file. A crash or a failed write (disk full, read-only folder) leaves
 * the previous version untouched and no temporary file behind; the failure becomes a STORAGE
 * error naming `path`.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const tmp = temporaryName(path)
  try {
    writeFileSynced(tmp, data)
    renameSync(tmp, path)
  } catch (error) {
    removeQuietly(tmp)
    throw storageError(error, path)
  }
}
