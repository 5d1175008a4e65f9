import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * better-sqlite3 is not N-API: Electron needs its own build. `npm start` builds it once into
 * `.electron-native/` (scripts/electron-native.mjs); Node (tests, CLI) keeps the normal one.
 */
export function electronSqliteBinding(appRoot: string): string | undefined {
  const candidate = join(appRoot, '.electron-native', `electron-${process.versions.electron}`, 'better_sqlite3.node')
  return existsSync(candidate) ? candidate : undefined
}
