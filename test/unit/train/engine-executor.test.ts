import { describe, expect, it } from 'vitest'
import type { AdapterSummary } from '../../../src/shared/device'
import type { EngineDevice } from '../../../src/main/engine/gpu/adapter'
import type { TrainState } from '../../../src/main/engine/train/checkpoint'
import { engineExecutor, fitsRunOn, gpuEngineInBuild } from '../../../src/main/train/engine-executor'

const ADAPTER: AdapterSummary = {
  vendor: 'nvidia',
  architecture: 'hopper',
  device: '',
  description: 'NVIDIA H100',
  software: false,
  limits: { maxStorageBufferBindingSize: 2 ** 31, maxBufferSize: 2 ** 31, maxComputeWorkgroupSizeX: 1024, maxComputeInvocationsPerWorkgroup: 1024, maxStorageBuffersPerShaderStage: 10 },
}

/** An open GPU device as far as the executor's choice looks at it: it is only ever destroyed here. */
function fakeGpu(): { device: EngineDevice; destroyed: () => boolean } {
  let destroyed = false
  const device = { destroy: () => void (destroyed = true) } as unknown as GPUDevice
  return { device: { kind: 'gpu', device, adapter: ADAPTER }, destroyed: () => destroyed }
}

const state = {} as TrainState
const cpuPool = { executor: async () => [], dispose: async () => {} }

describe('the choice of executor', () => {
  it('runs the CPU engine on the CPU: the shard pool, or every shard in the training thread', async () => {
    expect(await engineExecutor({ kind: 'cpu' }, 'cpu', state, [], async () => cpuPool)).toMatchObject({ executor: cpuPool.executor, ranOn: { device: 'cpu', adapter: null }, note: null })
    expect(await engineExecutor({ kind: 'cpu' }, 'auto', state, [], async () => null)).toMatchObject({ executor: null, ranOn: { device: 'cpu' } })
  })

  it.skipIf(gpuEngineInBuild())('without a GPU engine in the build: gpu is refused by name, auto trains on the CPU and says so; the device is let go', async () => {
    const asked = fakeGpu()
    await expect(engineExecutor(asked.device, 'gpu', state, [], async () => cpuPool)).rejects.toThrow('The GPU engine is not in this build')
    expect(asked.destroyed()).toBe(true)
    const auto = fakeGpu()
    const chosen = await engineExecutor(auto.device, 'auto', state, [], async () => cpuPool)
    expect(chosen.ranOn).toEqual({ device: 'cpu', adapter: null })
    expect(chosen.note).toBe('auto: NVIDIA H100 (nvidia hopper) found, but this build has no GPU engine; the CPU trains')
    expect(auto.destroyed()).toBe(true)
  })

  it('fits run on the CPU, said where a GPU would have been used', () => {
    expect(fitsRunOn({ device: 'cpu', adapter: null })).toEqual({ ranOn: { device: 'cpu', adapter: null }, note: null })
    expect(fitsRunOn({ device: 'gpu', adapter: ADAPTER })).toEqual({ ranOn: { device: 'cpu', adapter: null }, note: 'fits of trained models run on the CPU: the GPU engine does not fit images yet' })
  })
})
