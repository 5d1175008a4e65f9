import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrate, schemaVersion } from '../../../src/main/store/migrate'
import { MIGRATIONS } from '../../../src/main/store/migrations'
import { scratch } from './helpers'

const dbs: Database.Database[] = []
afterEach(() => dbs.splice(0).forEach((d) => d.close()))

function open(): Database.Database {
  const db = new Database(join(scratch(), 'ws.sqlite'))
  db.pragma('foreign_keys = ON')
  dbs.push(db)
  return db
}

const TABLES = ['categories', 'dataset_warnings', 'datasets', 'image_keypoints', 'image_splits', 'images', 'layouts', 'pairs']

describe('migration 0002 (datasets)', () => {
  it('adds the data set tables to a version-1 workspace without touching its data', () => {
    const db = open()
    expect(migrate(db, MIGRATIONS, 1)).toBe(1)
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('ui.theme', '\"dark\"', 't0')").run()
    db.prepare("INSERT INTO jobs (id, kind, title, status, created_at, updated_at) VALUES ('j1', 'k', 'T', 'succeeded', 't0', 't0')").run()

    expect(migrate(db, MIGRATIONS, 2)).toBe(2)
    expect(schemaVersion(db)).toBe(2)
    expect(db.prepare('SELECT key, value, updated_at FROM settings').all()).toEqual([{ key: 'ui.theme', value: '"dark"', updated_at: 't0' }])
    expect(db.prepare('SELECT id, status FROM jobs').all()).toEqual([{ id: 'j1', status: 'succeeded' }])
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name)
    expect(tables).toEqual(expect.arrayContaining(TABLES))
  })

  it('enforces the natural keys and cascades a deleted data set to all its rows', () => {
    const db = open()
    migrate(db, MIGRATIONS, 2)
    db.exec(`
      INSERT INTO datasets (id, name, format, root, content_hash, fingerprint, segmentation_rule, generation, imported_at)
        VALUES (1, 'd', 'spair', '/r', 'h', 'f', 'nonzero', 1, 't');
      INSERT INTO categories (id, dataset_id, name, generation) VALUES (1, 1, 'cat', 1);
      INSERT INTO images (id, dataset_id, category_id, stem, file, width, height, generation) VALUES (1, 1, 1, 's', 'f.jpg', 10, 10, 1);
      INSERT INTO image_keypoints VALUES (1, 0, 1.5, 2.5);
      INSERT INTO pairs (dataset_id, split, name, file, pair_id, category_id, src_image_id, trg_image_id, n_kps, kps_ids, src_kps, trg_kps, generation)
        VALUES (1, 'test', 'p', 'p.json', 1, 1, 1, 1, 0, '[]', '[]', '[]', 1);
      INSERT INTO image_splits VALUES (1, 'test');
      INSERT INTO layouts VALUES (1, 'large', 'test', 'p', 1);
      INSERT INTO dataset_warnings VALUES (1, 0, 'f', 'x', 'm');`)
    expect(() =>
      db.exec(`INSERT INTO pairs (dataset_id, split, name, file, pair_id, category_id, src_image_id, trg_image_id, n_kps, kps_ids, src_kps, trg_kps, generation)
        VALUES (1, 'test', 'p', 'other.json', 2, 1, 1, 1, 0, '[]', '[]', '[]', 1)`),
    ).toThrow(/UNIQUE/)
    expect(() => db.exec(`INSERT INTO images (dataset_id, category_id, stem, file, width, height, generation) VALUES (1, 1, 's', 'g.jpg', 1, 1, 1)`)).toThrow(/UNIQUE/)
    expect(() => db.exec(`INSERT INTO image_keypoints VALUES (1, 30, 0, 0)`)).toThrow(/CHECK/)

    db.exec('DELETE FROM datasets WHERE id = 1')
    for (const t of TABLES) expect((db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n, t).toBe(0)
  })
})
