import { z } from 'zod'
import { AdapterSummary, DeviceChoice } from '../../device'
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

export const GpuAdapters = z.object({
  /** Every WebGPU adapter Dawn offers here, hardware first as it ranks them. */
  adapters: z.array(AdapterSummary),
  /** Why there is none (no Vulkan loader, no driver, the package missing); null when some were found. */
  error: z.string().nullable(),
  /** Where the studio's engine jobs run (the engine.device setting, auto when unset). */
  device: DeviceChoice,
})
export type GpuAdapters = z.infer<typeof GpuAdapters>

export const systemChannels = {
  'system.info': channel({
    doc: 'Versions, workspace paths, database schema and the compute backends found.',
    request: z.object({}).strict(),
    response: SystemInfo,
  }),
  'system.adapters': channel({
    doc: 'The WebGPU adapters the engine could run on (vendor, architecture, driver, software or hardware, limits), or why there are none, and the device setting.',
    request: z.object({}).strict(),
    response: GpuAdapters,
  }),
}
