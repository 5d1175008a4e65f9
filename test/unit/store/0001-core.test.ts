import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrate } from '../../../src/main/store/migrate'
import { MIGRATIONS } from '../../../src/main/store/migrations'

describe('migration 0001 core', () => {
  it('creates settings, jobs and runs with the constraints the services rely on', () => {
    const db = new Database(':memory:')
    migrate(db, MIGRATIONS, 1)
    db.prepare("INSERT INTO settings VALUES ('ui.theme', '\"dark\"', 't')").run()
    expect(() => db.prepare("INSERT INTO settings VALUES ('ui.theme', '1', 't')").run()).toThrow(/UNIQUE/)
    db.prepare("INSERT INTO jobs (id, kind, title, status, created_at, updated_at) VALUES ('j', 'k', 't', 'running', 'a', 'a')").run()
    expect(() =>
      db.prepare("INSERT INTO jobs (id, kind, title, status, created_at, updated_at) VALUES ('j2', 'k', 't', 'sleeping', 'a', 'a')").run(),
    ).toThrow(/CHECK/)
    db.prepare("INSERT INTO runs VALUES ('r', 'train', 'j', '{}', 'runs/r', 'running', 'a', 'a')").run()
    expect(db.prepare('SELECT job_id FROM runs').get()).toEqual({ job_id: 'j' })
    db.close()
  })
})
