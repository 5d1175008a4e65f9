import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The folder of the built main-process entries (out/main), wherever the bundler put the code
 * that asks (an entry file or a shared chunk one level down), or null when running from the
 * TypeScript sources (tests), where no worker bundle exists.
 */
export function builtMainDir(): string | null {
  for (const dir of [__dirname, join(__dirname, '..')]) if (existsSync(join(dir, 'feature-worker.js'))) return dir
  return null
}

export function builtRendererDir(): string {
  const main = builtMainDir()
  if (!main) throw new Error('the studio is not built: run `npm run build` first')
  return join(main, '..', 'renderer')
}
