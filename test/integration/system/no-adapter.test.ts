import { describe, expect, it } from 'vitest'
import { onnxProvidersFor } from '../../../src/main/features/backbones/onnx-providers'
import { call, openCore } from '../datasets/helpers'

// Before dawn.node loads in this process (each test file is a process of its own): a Vulkan loader with no driver.
process.env.VK_ICD_FILENAMES = '/nonexistent.json'

describe('with no Vulkan driver', () => {
  it('system.adapters lists none and says why', async () => {
    const found = await call(openCore(), 'system.adapters', {})
    expect(found.adapters).toEqual([])
    // The second: where the loader itself is missing (CI installs libvulkan1).
    expect(found.error).toMatch(/^No WebGPU adapter: (Vulkan found no usable device with VK_ICD_FILENAMES=\/nonexistent\.json|the Vulkan loader \(libvulkan\.so\.1\) is not installed)/)
  })

  it('ONNX backbones: gpu fails naming why, auto takes the CPU provider', async () => {
    await expect(onnxProvidersFor('gpu')).rejects.toThrow(/^No WebGPU adapter: /)
    expect(await onnxProvidersFor('auto')).toEqual(['cuda', 'cpu'])
  })
})
