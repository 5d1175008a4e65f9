import type { RanOn } from '../../shared/device'
import { ranOn } from '../engine/gpu/adapter'
import { createGpuShardExecutor } from '../engine/gpu/gpu-executor'
import type { EngineDevice } from '../engine/gpu/adapter'
import type { ViewTarget } from '../engine/losses/view-target'
import type { TrainState } from '../engine/train/checkpoint'
import type { ShardExecutor } from '../engine/train/train-category'

/** Where a job's steps run and the executor that runs them there (null: every shard in the training thread). */
export interface EngineExecutor {
  executor: ShardExecutor | null
  ranOn: RanOn
  dispose(): Promise<void>
}

/**
 * The executor of a training job on the device it opened: the GPU engine on a GPU
 * (gpu/gpu-executor), else the CPU engine (`cpu()`: shard helper threads, or null for every
 * shard in this thread). The job's device is let go when the executor is disposed, or at once
 * when the GPU engine fails to start on it.
 */
export async function engineExecutor(device: EngineDevice, state: TrainState, targets: readonly ViewTarget[], cpu: () => Promise<{ executor: ShardExecutor; dispose(): Promise<void> } | null>): Promise<EngineExecutor> {
  if (device.kind === 'gpu') {
    let gpu
    try {
      gpu = await createGpuShardExecutor(device.device, state, targets)
    } catch (error) {
      device.device.destroy()
      throw error
    }
    return {
      executor: gpu.executor,
      ranOn: ranOn(device),
      dispose: async () => {
        gpu.dispose()
        device.device.destroy()
      },
    }
  }
  const pool = await cpu()
  return { executor: pool?.executor ?? null, ranOn: { device: 'cpu', adapter: null }, dispose: async () => pool?.dispose() }
}

