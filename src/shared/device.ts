import { z } from 'zod'

/** Where the engine runs: `auto` takes a hardware GPU when there is one, else the CPU. */
export const DeviceChoice = z.enum(['auto', 'cpu', 'gpu'])
export type DeviceChoice = z.infer<typeof DeviceChoice>

export const DEVICE_CHOICES: readonly DeviceChoice[] = DeviceChoice.options

/** The workspace setting the studio's jobs take their device from (a command's --device overrides it). */
export const DEVICE_SETTING = 'engine.device'

/** The device when nothing chose one. */
export const DEFAULT_DEVICE: DeviceChoice = 'auto'

/** What a run records and Health lists of a WebGPU adapter. */
export const AdapterSummary = z.object({
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  /** A CPU implementation of the API (SwiftShader, lavapipe, WARP): right for tests, never faster than the CPU engine. */
  software: z.boolean(),
  limits: z.object({
    maxStorageBufferBindingSize: z.number(),
    maxBufferSize: z.number(),
    maxComputeWorkgroupSizeX: z.number(),
    maxComputeInvocationsPerWorkgroup: z.number(),
    maxStorageBuffersPerShaderStage: z.number(),
  }),
})
export type AdapterSummary = z.infer<typeof AdapterSummary>

/** The name a user reads: "NVIDIA H100 (nvidia hopper)" or "SwiftShader Device (google swiftshader, software)". */
export function adapterLabel(a: AdapterSummary): string {
  const name = a.description || a.device || a.vendor || 'unknown adapter'
  const arch = [a.vendor, a.architecture].filter(Boolean).join(' ')
  return `${name}${arch ? ` (${arch})` : ''}${a.software ? ', software' : ''}`
}

/** Where a job's engine work ran, as a run records it: runs stored before devices were recorded read as the CPU. */
export const RanOn = z.object({ device: z.enum(['cpu', 'gpu']), adapter: AdapterSummary.nullable() })
export type RanOn = z.infer<typeof RanOn>

/** The words a run, a log line and the CLI use for where an engine job ran. */
export function ranOnLabel(r: RanOn): string {
  return r.device === 'gpu' && r.adapter ? `gpu: ${adapterLabel(r.adapter)}` : r.device
}
