import { buildSync } from 'esbuild'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

let built: string | null = null

/**
 * A folder holding `train-worker.js` (and `train-host.js`, `fit-pool.js`) bundled from the sources. Tests run the TypeScript
 * through Vitest, where no worker bundle exists (electron-vite builds the app's); a worker
 * thread needs JavaScript, so this bundles the entry once per test process (~0.1 s; the
 * worker imports no package, only the project's own modules). Removed when the process exits.
 */
export function trainWorkerDir(): string {
  if (built) return built
  const dir = mkdtempSync(join(tmpdir(), 'semagic-train-worker-'))
  buildSync({
    entryPoints: {
      'train-worker': join(__dirname, '../../src/main/workers/train-worker.ts'),
      // The main-thread sides too, for benchmarks that compare threads on equally bundled code.
      'train-host': join(__dirname, '../../src/main/train/train-host.ts'),
      'fit-pool': join(__dirname, '../../src/main/train/fit-pool.ts'),
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: dir,
    logLevel: 'silent',
  })
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  built = dir
  return dir
}
