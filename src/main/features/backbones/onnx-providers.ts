import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { listSupportedBackends } from 'onnxruntime-node'
import type { DeviceChoice } from '../../../shared/device'
import { checkEngineDevice } from '../../engine/gpu/adapter'

const req = createRequire(__filename)

/** Providers whose libraries onnxruntime-node's install script downloads beside its binding. */
const DOWNLOADED = new Set(['cuda', 'tensorrt'])

/** Why `name` cannot run here, or null when it may (it can still fail when the session starts). */
export function providerUnavailable(name: string): string | null {
  if (name === 'cpu') return null
  if (DOWNLOADED.has(name)) {
    const dir = join(dirname(req.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch)
    const file = process.platform === 'win32' ? `onnxruntime_providers_${name}.dll` : `libonnxruntime_providers_${name}.so`
    if (!existsSync(join(dir, file))) {
      return `${file} is not installed in ${dir} (onnxruntime-node's install script downloads it; it was skipped or blocked)`
    }
    return null
  }
  const known = listSupportedBackends().map((b) => b.name)
  return known.includes(name) ? null : `not in this onnxruntime-node build (it has ${known.join(', ')})`
}

/**
 * onnxruntime's execution providers for the engine's device choice, best first. `cpu`: the CPU
 * provider. `gpu`: the GPU only (CUDA first on an NVIDIA adapter where its libraries are
 * installed, then WebGPU, which onnxruntime-node bundles); no adapter throws GpuUnavailableError,
 * and a provider that fails to start fails the backbone instead of falling back to the CPU.
 * `auto`: CUDA where installed, WebGPU on a hardware adapter only, then the CPU.
 */
export async function onnxProvidersFor(choice: DeviceChoice): Promise<string[]> {
  if (choice === 'cpu') return ['cpu']
  const { device, adapter } = await checkEngineDevice(choice)
  const webgpu = device === 'gpu' ? ['webgpu'] : []
  if (choice === 'auto') return ['cuda', ...webgpu, 'cpu']
  return /nvidia/i.test(`${adapter?.vendor ?? ''} ${adapter?.description ?? ''}`) ? ['cuda', ...webgpu] : webgpu
}
