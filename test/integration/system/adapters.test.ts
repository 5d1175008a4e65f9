import { describe, expect, it } from 'vitest'
import { useSoftwareGpu } from '../../helpers/software-gpu'
import { call, openCore } from '../datasets/helpers'

useSoftwareGpu()

describe('system.adapters through the contract', () => {
  it('lists SwiftShader as a software adapter with its limits, and the device setting', async () => {
    const core = openCore()
    const found = await call(core, 'system.adapters', {})
    expect(found.error).toBeNull()
    expect(found.device).toBe('auto')
    const swift = found.adapters.find((a) => /swiftshader/i.test(`${a.description} ${a.device} ${a.architecture}`))
    expect(swift).toMatchObject({ software: true, limits: { maxComputeWorkgroupSizeX: expect.any(Number) } })
    expect(swift!.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20)
    await call(core, 'settings.set', { key: 'engine.device', value: 'cpu' })
    expect((await call(core, 'system.adapters', {})).device).toBe('cpu')
  })
})
