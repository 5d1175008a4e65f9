/// <reference types="@webgpu/types" />
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { adapterLabel, ranOnLabel } from '../../../shared/device'
import type { AdapterSummary, DeviceChoice, RanOn } from '../../../shared/device'

export { adapterLabel, DEVICE_CHOICES } from '../../../shared/device'
export type { AdapterSummary, DeviceChoice } from '../../../shared/device'

/** The engine's device: the CPU, or an open WebGPU device and the adapter it came from. */
export type EngineDevice = { kind: 'cpu' } | { kind: 'gpu'; device: GPUDevice; adapter: AdapterSummary }

/** The smallest limits the engine's kernels are written for; an adapter below them is refused by name. */
export const REQUIRED_LIMITS = { maxStorageBufferBindingSize: 128 * 1024 * 1024, maxComputeWorkgroupSizeX: 64, maxStorageBuffersPerShaderStage: 8 } as const

/** What stopped a GPU from being used, for the user: the failing step and what to do about it. */
export class GpuUnavailableError extends Error {
  constructor(
    message: string,
    readonly reason: 'no-package' | 'no-loader' | 'no-adapter' | 'limits' | 'device' | 'engine',
  ) {
    super(message)
    this.name = 'GpuUnavailableError'
  }
}

interface DawnModule {
  create(options: string[]): GPU
  globals: Record<string, unknown>
}

const req = createRequire(__filename)
let dawn: { gpu: GPU; loadError: null } | { gpu: null; loadError: GpuUnavailableError } | null = null

/**
 * dawn.node (the `webgpu` package, an optional dependency) with the Vulkan backend on Linux, the
 * one Dawn's prebuilt addon ships there. Loaded once per thread: a worker that trains opens its own.
 * Its WebGPU globals (GPUBufferUsage and the like) are installed so kernels read as in a browser.
 */
function loadDawn(): { gpu: GPU; loadError: null } | { gpu: null; loadError: GpuUnavailableError } {
  if (dawn) return dawn
  quietVulkanLoader()
  try {
    const mod = req('webgpu') as DawnModule
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v
    dawn = { gpu: mod.create(process.platform === 'linux' ? ['backend=vulkan'] : []), loadError: null }
  } catch (error) {
    dawn = { gpu: null, loadError: new GpuUnavailableError(`The WebGPU runtime (npm package "webgpu") could not be loaded: ${(error as Error).message}. Reinstall with npm ci, or use --device cpu.`, 'no-package') }
  }
  return dawn
}

/**
 * Mesa's Vulkan drivers print "XDG_RUNTIME_DIR is invalid or not set" on every probe where the
 * variable is unset (servers, CI, a job under Slurm), and `auto` probes for every job. A private
 * folder of this user's, as the variable asks for, silences it; a set variable is left alone.
 */
function quietVulkanLoader(): void {
  if (process.platform !== 'linux' || process.env['XDG_RUNTIME_DIR']) return
  const dir = join(tmpdir(), `semagic-runtime-${process.getuid?.() ?? 'user'}`)
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    process.env['XDG_RUNTIME_DIR'] = dir
  } catch {
    // Only a warning is at stake.
  }
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|microsoft basic render|warp/i

function summarise(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info
  const l = adapter.limits
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true || SOFTWARE.test(text),
    limits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  }
}

function limitProblem(a: AdapterSummary): string | null {
  for (const [k, need] of Object.entries(REQUIRED_LIMITS)) {
    const have = a.limits[k as keyof AdapterSummary['limits']]
    if (have < need) return `${adapterLabel(a)} offers ${k} = ${have}, the engine needs at least ${need}`
  }
  return null
}

/** Why no adapter came back: a missing Vulkan loader is the usual cause on Linux and has its own advice. */
function noAdapterMessage(): string {
  if (process.platform === 'linux') {
    let loader = true
    try {
      req('node:child_process').execFileSync('sh', ['-c', 'ldconfig -p | grep -q libvulkan.so.1'], { stdio: 'ignore' })
    } catch {
      loader = false
    }
    if (!loader) return 'No WebGPU adapter: the Vulkan loader (libvulkan.so.1) is not installed; install it (Debian: apt-get install libvulkan1) and a Vulkan driver for the GPU.'
    return `No WebGPU adapter: Vulkan found no usable device${process.env['VK_ICD_FILENAMES'] ? ` with VK_ICD_FILENAMES=${process.env['VK_ICD_FILENAMES']}` : ''}. Check the GPU's Vulkan driver (vulkaninfo --summary).`
  }
  return 'No WebGPU adapter was found on this machine.'
}

/** The adapters this machine offers (high-performance first), or why there are none; opens no device. */
export async function listAdapters(): Promise<{ adapters: AdapterSummary[]; error: string | null }> {
  const { gpu, loadError } = loadDawn()
  if (!gpu) return { adapters: [], error: loadError.message }
  const seen = new Map<string, AdapterSummary>()
  for (const powerPreference of ['high-performance', 'low-power'] as const) {
    const a = await gpu.requestAdapter({ powerPreference })
    if (!a) continue
    const s = summarise(a)
    seen.set(`${s.vendor}/${s.device}/${s.description}`, s)
  }
  const adapters = [...seen.values()]
  return { adapters, error: adapters.length === 0 ? noAdapterMessage() : null }
}

type Found = { kind: 'cpu' } | { kind: 'gpu'; adapter: GPUAdapter; summary: AdapterSummary }

/** The adapter `choice` runs on, or the CPU; throws GpuUnavailableError for `gpu` when there is none fit for the engine. */
async function findAdapter(choice: DeviceChoice): Promise<Found> {
  if (choice === 'cpu') return { kind: 'cpu' }
  const { gpu, loadError } = loadDawn()
  if (!gpu) {
    if (choice === 'auto') return { kind: 'cpu' }
    throw loadError
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' })
  const summary = adapter ? summarise(adapter) : null
  if (!adapter || !summary) {
    if (choice === 'auto') return { kind: 'cpu' }
    throw new GpuUnavailableError(noAdapterMessage(), 'no-adapter')
  }
  if (choice === 'auto' && summary.software) return { kind: 'cpu' }
  const problem = limitProblem(summary)
  if (problem) {
    if (choice === 'auto') return { kind: 'cpu' }
    throw new GpuUnavailableError(problem, 'limits')
  }
  return { kind: 'gpu', adapter, summary }
}

/**
 * What `choice` would run on, without opening a device: what a command checks before it stores
 * anything, so that `gpu` with no adapter fails in seconds and leaves the workspace as it was.
 */
export async function checkEngineDevice(choice: DeviceChoice): Promise<RanOn> {
  const found = await findAdapter(choice)
  return found.kind === 'cpu' ? { device: 'cpu', adapter: null } : { device: 'gpu', adapter: found.summary }
}

/**
 * The device a job runs on. `cpu` needs nothing. `gpu` opens the first adapter, software ones
 * included (that is how tests run the GPU engine on SwiftShader), and throws GpuUnavailableError
 * naming the reason when there is none. `auto` opens a hardware adapter only, else the CPU.
 */
export async function openEngineDevice(choice: DeviceChoice): Promise<EngineDevice> {
  const found = await findAdapter(choice)
  if (found.kind === 'cpu') return found
  const { adapter, summary } = found
  try {
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
        maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
      },
    })
    return { kind: 'gpu', device, adapter: summary }
  } catch (error) {
    if (choice === 'auto') return { kind: 'cpu' }
    throw new GpuUnavailableError(`${adapterLabel(summary)} refused to open a device: ${(error as Error).message}`, 'device')
  }
}

/** Where a job on `d` runs, as a run records it. */
export function ranOn(d: EngineDevice): RanOn {
  return d.kind === 'cpu' ? { device: 'cpu', adapter: null } : { device: 'gpu', adapter: d.adapter }
}

/** The words a run, a log line and the CLI use for where an engine job ran. */
export function deviceLabel(d: EngineDevice): string {
  return ranOnLabel(ranOn(d))
}
