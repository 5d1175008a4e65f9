import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrate } from '../../../src/main/store/migrate'
import { MIGRATIONS } from '../../../src/main/store/migrations'
import { scratch } from './helpers'

const dbs: Database.Database[] = []
afterEach(() => dbs.splice(0).forEach((d) => d.close()))

describe('migration 0010 (dataset formats)', () => {
  it('marks data sets imported before it as SPair-71k, keeps them, and refuses an unknown reader', () => {
    const db = new Database(join(scratch(), 'ws.sqlite'))
    dbs.push(db)
    migrate(db, MIGRATIONS, 9)
    db.exec(`INSERT INTO datasets (id, name, format, root, content_hash, fingerprint, segmentation_rule, generation, imported_at)
      VALUES (1, 'old', 'spair', '/r', 'h', 'f', 'nonzero', 1, 't')`)
    expect(migrate(db, MIGRATIONS, 10)).toBe(10)
    expect(db.prepare('SELECT name, content_hash, reader, sampling FROM datasets').all()).toEqual([
      { name: 'old', content_hash: 'h', reader: 'spair', sampling: null },
    ])
    db.prepare(`UPDATE datasets SET reader = 'cub', sampling = '{"seed":1}' WHERE id = 1`).run()
    expect(() => db.prepare(`UPDATE datasets SET reader = 'coco' WHERE id = 1`).run()).toThrow(/CHECK constraint failed/)
  })
})
