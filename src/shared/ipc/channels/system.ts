import { z } from 'zod'
import { channel } from '../define'

export const BackendProbe = z.object({
  name: z.string(),
  available: z.boolean(),
  detail: z.string(),
})

export const SystemInfo = z.object({
  appVersion: z.string(),
  transport: z.enum(['electron', 'websocket']),
  versions: z.object({
    node: z.string(),
    electron: z.string().nullable(),
    chrome: z.string().nullable(),
    sqlite: z.string(),
  }),
  platform: z.string(),
  dataDir: z.string(),
  database: z.object({
    path: z.string(),
    schemaVersion: z.number().int(),
    journalMode: z.string(),
  }),
  tfjsBackends: z.array(BackendProbe),
  onnxProviders: z.array(BackendProbe),
})
export type SystemInfo = z.infer<typeof SystemInfo>

export const systemChannels = {
  'system.info': channel({
    doc: 'Versions, workspace paths, database schema and the compute backends found.',
    request: z.object({}).strict(),
    response: SystemInfo,
  }),
}
