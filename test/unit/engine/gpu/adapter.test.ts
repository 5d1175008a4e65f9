import { describe, expect, it } from 'vitest'
import { adapterLabel, deviceLabel, listAdapters, openEngineDevice } from '../../../../src/main/engine/gpu/adapter'
import { useSoftwareGpu } from '../../../helpers/software-gpu'

useSoftwareGpu()

describe('WebGPU adapters (dawn.node on SwiftShader)', () => {
  it('lists SwiftShader as a software adapter with its limits', async () => {
    const { adapters, error } = await listAdapters()
    expect(error).toBeNull()
    const swift = adapters.find((a) => /swiftshader/i.test(`${a.description} ${a.architecture}`))!
    expect(swift.software).toBe(true)
    expect(swift.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024)
    expect(adapterLabel(swift)).toMatch(/SwiftShader.*software/)
  })

  it('opens it for --device gpu, but auto leaves a software adapter for the CPU', async () => {
    const gpu = await openEngineDevice('gpu')
    expect(gpu.kind).toBe('gpu')
    expect(deviceLabel(gpu)).toMatch(/^gpu: SwiftShader/)
    if (gpu.kind === 'gpu') gpu.device.destroy()
    expect(await openEngineDevice('auto')).toEqual({ kind: 'cpu' })
    expect(await openEngineDevice('cpu')).toEqual({ kind: 'cpu' })
  })
})
