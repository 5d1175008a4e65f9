import { createHash } from 'node:crypto'
import { AppError } from '../core/app-error'
import type { Db, Migration } from './migration'

export function migrationHash(m: Migration): string {
  return createHash('sha256').update(m.sql).digest('hex')
}

/**
 * Applies pending migrations, each in its own transaction together with its bookkeeping row,
 * so that a crash leaves the database at a whole version. Refuses a database from a newer
 * studio and one whose applied migration was edited since.
 */
export function migrate(db: Db, migrations: readonly Migration[], target = Number.POSITIVE_INFINITY): number {
  db.exec(`CREATE TABLE IF NOT EXISTS _migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL, applied_at TEXT NOT NULL)`)
  const applied = db.prepare('SELECT version, name, hash FROM _migrations ORDER BY version').all() as {
    version: number
    name: string
    hash: string
  }[]
  const known = new Map(migrations.map((m) => [m.version, m]))
  for (const row of applied) {
    const m = known.get(row.version)
    if (!m) {
      throw new AppError(
        'CONFLICT',
        `database schema version ${row.version} (${row.name}) is newer than this studio knows; upgrade the studio`,
      )
    }
    if (migrationHash(m) !== row.hash) {
      throw new AppError('CONFLICT', `migration ${row.version} (${row.name}) was changed after it was applied`)
    }
  }
  const current = applied.at(-1)?.version ?? 0
  const insert = db.prepare('INSERT INTO _migrations (version, name, hash, applied_at) VALUES (?, ?, ?, ?)')
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current || m.version > target) continue
    db.transaction(() => {
      db.exec(m.sql)
      insert.run(m.version, m.name, migrationHash(m), new Date().toISOString())
    })()
  }
  return schemaVersion(db)
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM _migrations').get() as { v: number | null }
  return row.v ?? 0
}
