import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import { chromiumPath } from './chromium'
import { MANY_IMAGES, makeManyImages } from './many-images'

declare module 'vitest' {
  export interface ProvidedContext {
    serveUrl: string
    dataDir: string
    /** Absolute root of the SPair fixture, for tests that import it again through the UI. */
    fixtureRoot: string
  }
}

const root = resolve(__dirname, '../..')

/** Starts the real `semagic serve` from the production build, as a user would. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  chromiumPath() // fail early, with the install hint, before starting anything
  if (!existsSync(join(root, 'out/renderer/index.html')) || !existsSync(join(root, 'out/main/cli.js'))) {
    throw new Error('The production build is missing: run `npm run build` before the end-to-end tests.')
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'semagic-e2e-'))
  // Data the views are tested on, imported the way a user would from a shell, before serve starts.
  const fixtureRoot = join(root, 'test/fixtures/spair/SPair-71k')
  const cli = (...args: string[]): void => {
    execFileSync(process.execPath, [join(root, 'bin/semagic.cjs'), ...args, '--data-dir', dataDir], { stdio: 'pipe' })
  }
  cli('datasets', 'import', '--spair', fixtureRoot, '--name', 'fixture')
  cli('datasets', 'import', '--spair', makeManyImages(fixtureRoot, dataDir, MANY_IMAGES), '--name', 'many')
  const child: ChildProcess = spawn(process.execPath, [join(root, 'bin/semagic.cjs'), 'serve', '--no-open', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The studio prepares its demo data set on first start; the small one keeps the suite fast.
    env: { ...process.env, SEMAGIC_DEMO_SIZE: 'small' },
  })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`semagic serve printed no URL in 30 s; stderr:\n${stderr}`)), 30_000)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolveUrl(m[1]!)
      }
    })
    child.once('exit', (code) => reject(new Error(`semagic serve exited with ${code}; stderr:\n${stderr}`)))
  })
  project.provide('serveUrl', url)
  project.provide('dataDir', dataDir)
  project.provide('fixtureRoot', fixtureRoot)
  return async () => {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
    rmSync(dataDir, { recursive: true, force: true })
  }
}
