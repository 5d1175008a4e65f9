import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * The studio's shipped `resources/` folder: found upwards from this code, which runs from
 * src/main (tests, dev), out/main or a chunk below it (the build, the CLI), or next to
 * Electron's `process.resourcesPath` in a packaged app.
 */
export function resourcesDir(): string {
  const packaged = (process as { resourcesPath?: string }).resourcesPath
  if (packaged && existsSync(join(packaged, 'resources', 'assets'))) return join(packaged, 'resources')
  let dir = __dirname
  for (let up = 0; up < 5; up++) {
    if (existsSync(join(dir, 'resources', 'assets'))) return join(dir, 'resources')
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  throw new Error(`the studio's resources/ folder was not found above ${__dirname}`)
}
