import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrate } from '../../../src/main/store/migrate'
import { MIGRATIONS } from '../../../src/main/store/migrations'
import { scratch } from '../datasets/helpers'

const dbs: Database.Database[] = []
afterEach(() => dbs.splice(0).forEach((d) => d.close()))

describe('migration 0011 (run device)', () => {
  it('reads runs stored before it as trained on the CPU, keeps them, and refuses an unknown device', () => {
    const db = new Database(join(scratch(), 'ws.sqlite'))
    dbs.push(db)
    migrate(db, MIGRATIONS, 10)
    db.exec(`INSERT INTO runs (id, kind, config, folder, status, created_at, updated_at) VALUES ('old', 'train', '{}', 'runs/old', 'succeeded', 't', 't')`)
    expect(migrate(db, MIGRATIONS, 11)).toBe(11)
    expect(db.prepare('SELECT id, status, device, adapter FROM runs').all()).toEqual([{ id: 'old', status: 'succeeded', device: 'cpu', adapter: null }])
    db.prepare(`UPDATE runs SET device = 'gpu', adapter = '{"vendor":"nvidia"}' WHERE id = 'old'`).run()
    expect(() => db.prepare(`UPDATE runs SET device = 'tpu' WHERE id = 'old'`).run()).toThrow(/CHECK constraint failed/)
  })
})
