import { closeSync, openSync, readSync } from 'node:fs'
import { createHash } from 'node:crypto'

/** SHA-256 of a file in hex, read in chunks so that a model of gigabytes never sits in memory whole. */
export function sha256File(path: string): string {
  const hash = createHash('sha256')
  const chunk = Buffer.allocUnsafe(8 * 1024 * 1024)
  const fd = openSync(path, 'r')
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n))
  } finally {
    closeSync(fd)
  }
  return hash.digest('hex')
}
