import { afterAll, beforeAll } from 'vitest'
import { openEngineDevice } from '../../src/main/engine/gpu/adapter'
import { useSoftwareGpu } from './software-gpu'

/**
 * For a test file of GPU engine tests: points Vulkan at SwiftShader, opens a device before the
 * file's tests and destroys it after them; the returned function gives the device.
 */
export function useSoftwareGpuDevice(): () => GPUDevice {
  useSoftwareGpu()
  let device: GPUDevice | null = null
  beforeAll(async () => {
    const d = await openEngineDevice('gpu')
    if (d.kind !== 'gpu') throw new Error('no GPU device')
    device = d.device
  })
  afterAll(() => device?.destroy())
  return () => {
    if (!device) throw new Error('the GPU device is not open yet')
    return device
  }
}
