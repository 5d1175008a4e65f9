import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import { chromiumPath } from './chromium'
import { MANY_IMAGES, makeManyImages } from './many-images'
import { softwareGpuEnv } from '../helpers/software-gpu'
import { startServe } from './serve-process'

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
  // The studio prepares its demo data set on first start; the small one keeps the suite fast.
  // SwiftShader's Vulkan driver gives the server one WebGPU adapter, a software one, on any machine
  // with Debian's chromium: Health lists it, and `auto` leaves it for the CPU.
  const serve = await startServe(dataDir, { SEMAGIC_DEMO_SIZE: 'small', ...softwareGpuEnv() })
  project.provide('serveUrl', serve.url)
  project.provide('dataDir', dataDir)
  project.provide('fixtureRoot', fixtureRoot)
  return async () => {
    await serve.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
