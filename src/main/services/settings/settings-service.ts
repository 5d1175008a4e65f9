import { DEFAULT_DEVICE, DEVICE_CHOICES, DEVICE_SETTING, DeviceChoice } from '../../../shared/device'
import { AppError } from '../../core/app-error'
import type { Db } from '../../store/migration'

/** Settings the core reads itself, with the values they may take; any other key holds any JSON. */
const CHECKED: Record<string, { schema: { safeParse(v: unknown): { success: boolean } }; allowed: string }> = {
  [DEVICE_SETTING]: { schema: DeviceChoice, allowed: DEVICE_CHOICES.join(', ') },
}

export class SettingsService {
  constructor(private readonly db: Db) {}

  get(key: string): unknown {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined
    return row ? (JSON.parse(row.value) as unknown) : null
  }

  set(key: string, value: unknown): void {
    const checked = CHECKED[key]
    if (checked && !checked.schema.safeParse(value).success) {
      throw new AppError('BAD_INPUT', `setting ${key}: ${JSON.stringify(value)} is not one of ${checked.allowed}`)
    }
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), new Date().toISOString())
  }

  /** Where the studio's engine jobs run (the `engine.device` setting; `auto` when unset). */
  device(): DeviceChoice {
    const parsed = DeviceChoice.safeParse(this.get(DEVICE_SETTING))
    return parsed.success ? parsed.data : DEFAULT_DEVICE
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
