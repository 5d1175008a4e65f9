import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Locks this process holds: its own pid in a lock file means "wait" only for these. */
const held = new Set<string>()

/**
 * An exclusive lock on one blob's download, at the path huggingface_hub locks it
 * (`<cache>/.locks/models--<org>--<name>/<etag>.lock`), so that two processes never append to
 * the same .incomplete file. A lock whose process is gone is taken over; a live one is waited
 * for (the other process's download is then reused), until `signal` aborts.
 */
export async function lockBlob(path: string, signal?: AbortSignal, pollMs = 500): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true })
  for (;;) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      held.add(path)
      return () => {
        held.delete(path)
        rmSync(path, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    let holder = NaN
    try {
      holder = Number(readFileSync(path, 'utf8'))
    } catch {
      continue // released between our two calls
    }
    // Our own pid on a lock we do not hold: a dead process's whose pid was reused.
    const stale = !Number.isInteger(holder) || (holder === process.pid ? !held.has(path) : !alive(holder))
    if (stale) {
      rmSync(path, { force: true })
      continue
    }
    if (signal?.aborted) throw new Error('cancelled while waiting for another download of the same file')
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}
