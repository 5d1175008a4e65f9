import type { Db } from '../../store/migration'

export class SettingsService {
  constructor(private readonly db: Db) {}

  get(key: string): unknown {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined
    return row ? (JSON.parse(row.value) as unknown) : null
  }

  set(key: string, value: unknown): void {
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), new Date().toISOString())
  }

  list(): { key: string; value: unknown; updatedAt: string }[] {
    const rows = this.db.prepare('SELECT key, value, updated_at FROM settings ORDER BY key').all() as {
      key: string
      value: string
      updated_at: string
    }[]
    return rows.map((r) => ({ key: r.key, value: JSON.parse(r.value) as unknown, updatedAt: r.updated_at }))
  }
}
