import { z } from 'zod'
import { channel } from '../define'

export const SettingKey = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z][a-zA-Z0-9_.-]*$/, 'setting keys are dotted lower-camel names, e.g. "ui.theme"')

export const settingsChannels = {
  'settings.get': channel({
    doc: 'Read one setting; null when it was never set.',
    request: z.object({ key: SettingKey }).strict(),
    response: z.object({ key: z.string(), value: z.json().nullable() }),
  }),
  'settings.set': channel({
    doc: 'Write one setting (any JSON value).',
    request: z.object({ key: SettingKey, value: z.json() }).strict(),
    response: z.object({ key: z.string(), value: z.json() }),
  }),
  'settings.list': channel({
    doc: 'All settings of this workspace.',
    request: z.object({}).strict(),
    response: z.array(z.object({ key: z.string(), value: z.json(), updatedAt: z.string() })),
  }),
}
