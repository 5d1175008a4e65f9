import { realpathSync } from 'node:fs'
import { join, sep } from 'node:path'

/**
 * Resolves a URL path inside `root`, or null when it would leave it (.., encoded .., or a
 * symlink pointing outside). The real path is compared, not the string.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  let realRoot: string
  let real: string
  try {
    // The root itself may have gone (a data set folder moved away): nothing is served from it.
    realRoot = realpathSync(root)
    real = realpathSync(join(realRoot, decoded))
  } catch {
    return null
  }
  return real === realRoot || real.startsWith(realRoot + sep) ? real : null
}
