import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import type { ImportResult } from '../../../src/shared/ipc/channels/datasets'
import type { ChannelName, RequestOf, ResponseOf } from '../../../src/shared/ipc/contract'
import { createCore } from '../../../src/main/core/create-core'
import type { Core } from '../../../src/main/core/create-core'
import { tempDir } from '../../helpers/temp-dir'

export const FIXTURE = join(__dirname, '../../fixtures/spair/SPair-71k')
const ctx = { transport: 'test' as const }

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).reverse().forEach((f) => f()))

export function scratch(): string {
  const dir = tempDir('semagic-datasets-')
  cleanups.push(() => dir.remove())
  return dir.path
}

/** A core over a real SQLite file in a fresh data dir, closed after the test. */
export function openCore(dataDir = scratch()): Core {
  const core = createCore({ dataDir, log: () => {} })
  cleanups.push(() => core.close())
  return core
}

/** A writable copy of the fixture tree, for tests that change it. */
export function copyFixture(): string {
  const root = join(scratch(), 'SPair-71k')
  cpSync(FIXTURE, root, { recursive: true, preserveTimestamps: true })
  return root
}

export async function call<C extends ChannelName>(core: Core, channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const r = await core.registry.invoke(channel, request, ctx)
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`)
  return r.value as ResponseOf<C>
}

export async function callError(core: Core, channel: ChannelName, request: unknown): Promise<{ code: string; message: string }> {
  const r = await core.registry.invoke(channel, request, ctx)
  if (r.ok) throw new Error(`${channel} unexpectedly succeeded`)
  return r.error
}

/** `datasets.import` over the registry, then the job's result. */
export async function importTree(core: Core, root: string, name?: string): Promise<ImportResult> {
  const { jobId } = await call(core, 'datasets.import', name === undefined ? { root } : { root, name })
  return (await core.services.jobs.wait(jobId)) as ImportResult
}
