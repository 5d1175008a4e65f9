import Database from 'better-sqlite3'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../src/main/core/app-error'
import { createCore } from '../../src/main/core/create-core'
import type { Core } from '../../src/main/core/create-core'
import { DB_FILE } from '../../src/main/store/open-store'
import { MIGRATIONS } from '../../src/main/store/migrations'
import { tempDir } from '../helpers/temp-dir'

const ctx = { transport: 'test' as const }
const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((f) => f()))

function core(path?: string): { core: Core; dir: string } {
  const dir = path ?? tempDir().path
  const c = createCore({ dataDir: dir, log: () => {} })
  cleanups.push(() => c.close())
  return { core: c, dir }
}

describe('core over a real SQLite file', () => {
  it('creates the workspace database in WAL mode at the latest schema', async () => {
    const { core: c, dir } = core()
    expect(existsSync(join(dir, DB_FILE))).toBe(true)
    const r = await c.registry.invoke('system.info', {}, ctx)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const info = r.value as { database: { schemaVersion: number; journalMode: string; path: string }; tfjsBackends: { name: string; available: boolean }[] }
    expect(info.database).toMatchObject({ schemaVersion: MIGRATIONS.length, journalMode: 'wal', path: join(dir, DB_FILE) })
    expect(info.tfjsBackends.map((b) => b.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'])
    expect(info.tfjsBackends.find((b) => b.name === 'wasm')?.available).toBe(true)
  })

  it('persists settings across a restart of the core', async () => {
    const first = core()
    await first.core.registry.invoke('settings.set', { key: 'ui.theme', value: { mode: 'dark', scale: 1.25 } }, ctx)
    first.core.close()
    cleanups.length = 0
    const second = core(first.dir)
    const r = await second.core.registry.invoke('settings.get', { key: 'ui.theme' }, ctx)
    expect(r).toEqual({ ok: true, value: { key: 'ui.theme', value: { mode: 'dark', scale: 1.25 } } })
    const missing = await second.core.registry.invoke('settings.get', { key: 'never.set' }, ctx)
    expect(missing).toEqual({ ok: true, value: { key: 'never.set', value: null } })
  })

  it('rejects a malformed settings key with a validation error and stores nothing', async () => {
    const { core: c } = core()
    const r = await c.registry.invoke('settings.set', { key: 'Bad Key!', value: 1 }, ctx)
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    const list = await c.registry.invoke('settings.list', {}, ctx)
    expect(list).toEqual({ ok: true, value: [] })
  })

  it('runs a job with progress, lists it and records its result', async () => {
    const { core: c } = core()
    const seen: string[] = []
    c.hub.attach((event, payload) => seen.push(`${event}:${(payload as { status: string }).status}`))
    const id = c.services.jobs.start('test', 'count to 3', {}, async (job) => {
      for (let i = 1; i <= 3; i++) job.progress(i, 3, 'items')
      return { counted: 3 }
    })
    await expect(c.services.jobs.wait(id)).resolves.toEqual({ counted: 3 })
    const r = await c.registry.invoke('jobs.get', { id }, ctx)
    expect(r).toMatchObject({ ok: true, value: { status: 'succeeded', result: { counted: 3 }, progress: { done: 3, total: 3 } } })
    expect(seen[0]).toBe('job.updated:running')
    expect(seen.at(-1)).toBe('job.updated:succeeded')
    const list = await c.registry.invoke('jobs.list', {}, ctx)
    expect(list.ok && (list.value as unknown[]).length).toBe(1)
  })

  it('cancels a running job through the contract', async () => {
    const { core: c } = core()
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const id = c.services.jobs.start('test', 'wait', {}, async (job) => {
      await gate
      job.throwIfCancelled()
      return null
    })
    const r = await c.registry.invoke('jobs.cancel', { id }, ctx)
    expect(r).toEqual({ ok: true, value: { id, cancelRequested: true } })
    release()
    await expect(c.services.jobs.wait(id)).rejects.toBeInstanceOf(AppError)
    expect(c.services.jobs.get(id).status).toBe('cancelled')
    const unknown = await c.registry.invoke('jobs.cancel', { id: 'nope' }, ctx)
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it("keeps a failed job's error code: waiting after it ended, or after a restart, says STORAGE as the running call did", async () => {
    const { core: c, dir } = core()
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/ws/runs/r1/ckpt.bin' })
    const storage = c.services.jobs.start('test', 'fills the disk', {}, () => Promise.reject(full))
    const plain = c.services.jobs.start('test', 'throws', {}, () => Promise.reject(new TypeError('x is undefined')))
    await expect(c.services.jobs.wait(storage)).rejects.toMatchObject({ code: 'STORAGE' })
    await expect(c.services.jobs.wait(plain)).rejects.toMatchObject({ code: 'INTERNAL' })
    // Finished: wait() now reads the jobs table, not the promise.
    await expect(c.services.jobs.wait(storage)).rejects.toMatchObject({ code: 'STORAGE', message: expect.stringMatching(/ckpt\.bin/) })
    c.close()
    const again = core(dir).core
    await expect(again.services.jobs.wait(storage)).rejects.toMatchObject({ code: 'STORAGE' })
    const r = await again.registry.invoke('jobs.get', { id: storage }, ctx)
    expect(r).toMatchObject({ ok: true, value: { status: 'failed', errorCode: 'STORAGE' } })
    expect(again.services.jobs.get(plain)).toMatchObject({ status: 'failed', errorCode: 'INTERNAL', error: 'x is undefined' })
  })

  it('marks jobs left running by a dead process as interrupted, and leaves a live process its jobs', () => {
    const { core: c, dir } = core()
    c.close()
    cleanups.length = 0
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString()
    const db = new Database(join(dir, DB_FILE))
    const insert = db.prepare(
      "INSERT INTO jobs (id, kind, title, status, owner_pid, created_at, updated_at) VALUES (?, 'k', 't', 'running', ?, 'a', 'a')",
    )
    insert.run('crashed', Number(dead))
    insert.run('legacy', null)
    insert.run('live', process.pid) // e.g. the studio, while the CLI opens the same workspace
    db.close()
    const again = core(dir)
    expect(again.core.services.jobs.get('crashed').status).toBe('interrupted')
    expect(again.core.services.jobs.get('legacy').status).toBe('interrupted')
    expect(again.core.services.jobs.get('live').status).toBe('running')
  })
})
