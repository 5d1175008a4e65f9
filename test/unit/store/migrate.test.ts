import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/main/core/app-error'
import { migrate, schemaVersion } from '../../../src/main/store/migrate'
import type { Migration } from '../../../src/main/store/migration'
import { MIGRATIONS } from '../../../src/main/store/migrations'

const open = (): Database.Database => new Database(':memory:')
const dbs: Database.Database[] = []
afterEach(() => dbs.splice(0).forEach((d) => d.close()))

describe('migrate', () => {
  it('applies every shipped migration in order, numbered 1..n without gaps', () => {
    const db = open()
    dbs.push(db)
    const versions = MIGRATIONS.map((m) => m.version)
    expect(versions).toEqual(versions.map((_, i) => i + 1))
    expect(migrate(db, MIGRATIONS)).toBe(MIGRATIONS.length)
    expect(migrate(db, MIGRATIONS)).toBe(MIGRATIONS.length) // idempotent
  })

  it('rolls back a failing migration as a whole and keeps the previous version', () => {
    const db = open()
    dbs.push(db)
    const good: Migration = { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER);' }
    const bad: Migration = { version: 2, name: 'b', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO nope VALUES (1);' }
    expect(() => migrate(db, [good, bad])).toThrow(/nope/)
    expect(schemaVersion(db)).toBe(1)
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'b'").all()
    expect(tables).toHaveLength(0)
  })

  it('refuses a database written by a newer studio', () => {
    const db = open()
    dbs.push(db)
    migrate(db, [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x);' }, { version: 2, name: 'b', sql: 'CREATE TABLE b (x);' }])
    expect(() => migrate(db, [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x);' }])).toThrow(/newer than this studio/)
  })

  it('refuses an applied migration whose SQL was edited', () => {
    const db = open()
    dbs.push(db)
    migrate(db, [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x);' }])
    let caught: unknown
    try {
      migrate(db, [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x, y);' }])
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(AppError)
    expect((caught as AppError).code).toBe('CONFLICT')
  })
})
