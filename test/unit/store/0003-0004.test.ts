import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrate } from '../../../src/main/store/migrate'
import { MIGRATIONS } from '../../../src/main/store/migrations'

function atVersion(v: number): Database.Database {
  const db = new Database(':memory:')
  db.pragma('foreign_keys = ON')
  migrate(db, MIGRATIONS, v)
  return db
}

describe('migrations 0003 curation and 0004 job owner', () => {
  it('adds overlay and edit tables over existing data sets, and cascades with them', () => {
    const db = atVersion(2)
    db.prepare(
      "INSERT INTO datasets (id, name, format, root, content_hash, fingerprint, segmentation_rule, generation, imported_at) VALUES (1, 'fx', 'spair', '/r', 'h', 'f', 'nonzero', 1, 't')",
    ).run()
    migrate(db, MIGRATIONS, 3)
    db.prepare("INSERT INTO image_overlays VALUES (1, 'cat', 's', 'kp.0', '{\"x\":1,\"y\":2,\"visible\":true}')").run()
    db.prepare("INSERT INTO pair_overlays VALUES (1, 'test', 'p', 'excluded', 'true')").run()
    db.prepare(
      "INSERT INTO edits (dataset_id, batch, target_kind, target_a, target_b, field, before, after, label, author, created_at, state) VALUES (1, 1, 'image', 'cat', 's', 'kp.0', NULL, '{}', 'l', 'a', 't', 'applied')",
    ).run()
    expect(() =>
      db
        .prepare(
          "INSERT INTO edits (dataset_id, batch, target_kind, target_a, target_b, field, label, author, created_at, state) VALUES (1, 1, 'image', 'a', 'b', 'f', 'l', 'a', 't', 'maybe')",
        )
        .run(),
    ).toThrow(/CHECK/)
    db.prepare('DELETE FROM datasets WHERE id = 1').run()
    for (const table of ['image_overlays', 'pair_overlays', 'edits']) {
      expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 })
    }
  })

  it('adds owner_pid to existing jobs, null for rows written before it', () => {
    const db = atVersion(3)
    db.prepare("INSERT INTO jobs (id, kind, title, status, created_at, updated_at) VALUES ('old', 'k', 't', 'succeeded', 'a', 'a')").run()
    migrate(db, MIGRATIONS, 4)
    expect(db.prepare("SELECT owner_pid FROM jobs WHERE id = 'old'").get()).toEqual({ owner_pid: null })
    db.prepare("INSERT INTO jobs (id, kind, title, status, owner_pid, created_at, updated_at) VALUES ('new', 'k', 't', 'running', 42, 'a', 'a')").run()
    expect(db.prepare("SELECT owner_pid FROM jobs WHERE id = 'new'").get()).toEqual({ owner_pid: 42 })
  })
})
