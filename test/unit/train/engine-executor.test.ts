import { describe, expect, it } from 'vitest'
import type { TrainState } from '../../../src/main/engine/train/checkpoint'
import { engineExecutor } from '../../../src/main/train/engine-executor'
import { openEngineDevice } from '../../../src/main/engine/gpu/adapter'
import { engineDeviceChoice } from '../../../src/main/engine/gpu/engine-support'
import { resolveConfig } from '../../../src/main/engine/model/config'
import { runTraining, startTraining, trainStepWith } from '../../../src/main/engine/train/train-category'
import { useSoftwareGpu } from '../../helpers/software-gpu'
import { renderView, syntheticObject } from '../engine/synthetic-views'

useSoftwareGpu()

const state = {} as TrainState
const cpuPool = { executor: async () => [], dispose: async () => {} }

describe('the choice of executor', () => {
  it('runs the CPU engine on the CPU: the shard pool, or every shard in the training thread', async () => {
    expect(await engineExecutor({ kind: 'cpu' }, state, [], async () => cpuPool)).toMatchObject({ executor: cpuPool.executor, resident: null, ranOn: { device: 'cpu', adapter: null } })
    expect(await engineExecutor({ kind: 'cpu' }, state, [], async () => null)).toMatchObject({ executor: null, ranOn: { device: 'cpu' } })
  })

  const images = [0, 1].map((k) => ({ key: `view-${k}`, ...renderView(syntheticObject(2), [k, 0.2, 0, Math.log(0.6), 0, 0]) }))

  it.each(['semagic', 'baseline'] as const)('runs %s on a GPU with its state resident there, and lets the device go when it is done', async (variant) => {
    const { state: started, targets } = startTraining({ images }, { variant, steps: 1, batchSize: 2, hypotheses: 2, templateLevel: 2 })
    const opened = await openEngineDevice('gpu')
    if (opened.kind !== 'gpu') throw new Error('no GPU device')
    const chosen = await engineExecutor(opened, started, targets, async () => cpuPool)
    expect(chosen.ranOn).toMatchObject({ device: 'gpu', adapter: { software: true } })
    expect(chosen.executor).toBeNull()
    const before = started.model.shape.value.slice()
    const result = await runTraining(started, targets, { resident: chosen.resident! })
    expect(result.state.step).toBe(1)
    // The end of the run read the device's values back.
    expect(Array.from(started.model.shape.value)).not.toEqual(Array.from(before))
    await chosen.dispose()
    expect((await opened.device.lost).reason).toBe('destroyed')
  })

  it('runs an articulated model\'s shards on a GPU, and lets the device go when it is done, or at once when the engine fails to start', async () => {
    const { state: started, targets } = startTraining({ images }, { variant: 'baseline', articulation: { parts: 2 }, steps: 1, batchSize: 2, hypotheses: 2, templateLevel: 2 })
    const opened = await openEngineDevice('gpu')
    if (opened.kind !== 'gpu') throw new Error('no GPU device')
    const chosen = await engineExecutor(opened, started, targets, async () => cpuPool)
    expect(chosen.resident).toBeNull()
    expect((await trainStepWith(chosen.executor!, started, targets)).total).toBeGreaterThan(0)
    await chosen.dispose()
    expect((await opened.device.lost).reason).toBe('destroyed')

    const again = await openEngineDevice('gpu')
    if (again.kind !== 'gpu') throw new Error('no GPU device')
    const mixed = [targets[0]!, { ...targets[1]!, channels: 4 }]
    await expect(engineExecutor(again, started, mixed, async () => cpuPool)).rejects.toThrow(/target 1 has .* 4 channels/)
    expect((await again.device.lost).reason).toBe('destroyed')
  })
})

describe('a configuration the GPU engine has no kernels for (the face-based silhouette, frame synchronisation)', () => {
  const soft = resolveConfig({ weights: { softSilhouette: 10 } })
  it('trains and fits on the CPU when the choice is auto, is refused by name when it is gpu, and leaves other configurations alone', () => {
    expect(engineDeviceChoice('auto', soft, 'training')).toBe('cpu')
    expect(engineDeviceChoice('cpu', soft, 'training')).toBe('cpu')
    expect(() => engineDeviceChoice('gpu', soft, 'training')).toThrow(/weights\.softSilhouette 10.*CPU engine only.*--device cpu or auto/)
    expect(() => engineDeviceChoice('gpu', resolveConfig({ frameSync: true }), 'training')).toThrow(/frame synchronisation \(frameSync\) runs on the CPU engine only/)
    expect(engineDeviceChoice('gpu', resolveConfig(), 'training')).toBe('gpu')
    expect(engineDeviceChoice('auto', resolveConfig(), 'training')).toBe('auto')
  })

  it('fits with a model trained by the CPU-only category updates on the GPU, but not with the face-based silhouette, which a fit uses', () => {
    expect(engineDeviceChoice('gpu', resolveConfig({ frameSync: true, largeSteps: 1, largeStepsBasis: 1 }), 'fitting')).toBe('gpu')
    expect(() => engineDeviceChoice('gpu', soft, 'fitting')).toThrow(/weights\.softSilhouette 10/)
  })
})
