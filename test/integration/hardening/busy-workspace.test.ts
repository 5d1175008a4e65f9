import Database from 'better-sqlite3'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DB_FILE } from '../../../src/main/store/open-store'
import { openCore, scratch } from '../datasets/helpers'

describe('two processes on one workspace', () => {
  it('reads while another connection writes, and says clearly when a write has to wait too long', { timeout: 30_000 }, async () => {
    const core = openCore()
    await core.registry.invoke('settings.set', { key: 'ui.theme', value: 'dark' }, { transport: 'test' })
    const other = new Database(join(core.dataDir, DB_FILE))
    other.pragma('busy_timeout = 0')
    other.exec('BEGIN IMMEDIATE') // e.g. the CLI importing into the same workspace
    try {
      // WAL: readers are never blocked by the writer.
      expect(await core.registry.invoke('settings.get', { key: 'ui.theme' }, { transport: 'test' })).toEqual({
        ok: true,
        value: { key: 'ui.theme', value: 'dark' },
      })
      const blocked = await core.registry.invoke('settings.set', { key: 'ui.theme', value: 'light' }, { transport: 'test' })
      expect(blocked).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    } finally {
      other.exec('COMMIT')
      other.close()
    }
    expect(await core.registry.invoke('settings.set', { key: 'ui.theme', value: 'light' }, { transport: 'test' })).toMatchObject({ ok: true })
    const check = new Database(join(core.dataDir, DB_FILE), { readonly: true })
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    check.close()
  })
})

describe('a workspace that cannot be written', () => {
  it('fails to open with a message naming the database file, and creates nothing', () => {
    const notADir = join(scratch(), 'plain-file')
    writeFileSync(notADir, 'x')
    expect(() => openCore(notADir)).toThrow(`cannot open the workspace database ${join(notADir, DB_FILE)}`)
    expect(existsSync(`${join(notADir, DB_FILE)}-wal`)).toBe(false)
  })
})
