import type { RanOn } from '../../shared/device'
import { ranOn } from '../engine/gpu/adapter'
import { createGpuShardExecutor } from '../engine/gpu/gpu-executor'
import { GpuResidentTrainer, residentSupported } from '../engine/gpu/resident-trainer'
import type { EngineDevice } from '../engine/gpu/adapter'
import type { ViewTarget } from '../engine/losses/view-target'
import type { TrainState } from '../engine/train/checkpoint'
import type { ResidentStepper, ShardExecutor } from '../engine/train/train-category'

/**
 * Where a job's steps run and what runs them there: whole steps with the state on the device
 * (`resident`), or the step's shards (`executor`; both null: every shard in the training thread).
 */
export interface EngineExecutor {
  executor: ShardExecutor | null
  resident: ResidentStepper | null
  ranOn: RanOn
  dispose(): Promise<void>
}

/**
 * The executor of a training job on the device it opened: on a GPU, the resident trainer for
 * every variant without articulation or normal consistency (gpu/resident-trainer) and the GPU
 * shard executor for those (gpu/gpu-executor), else the CPU engine (`cpu()`: shard helper threads, or null for every
 * shard in this thread). The job's device is let go when the executor is disposed, or at once
 * when the GPU engine fails to start on it.
 */
export async function engineExecutor(device: EngineDevice, state: TrainState, targets: readonly ViewTarget[], cpu: () => Promise<{ executor: ShardExecutor; dispose(): Promise<void> } | null>): Promise<EngineExecutor> {
  if (device.kind === 'gpu') {
    let gpu: { executor: ShardExecutor | null; resident: ResidentStepper | null; dispose(): void }
    try {
      if (residentSupported(state.config)) {
        const trainer = await GpuResidentTrainer.create(device.device, state, targets)
        gpu = { executor: null, resident: trainer, dispose: () => trainer.destroy() }
      } else {
        gpu = { ...(await createGpuShardExecutor(device.device, state, targets)), resident: null }
      }
    } catch (error) {
      device.device.destroy()
      throw error
    }
    return {
      executor: gpu.executor,
      resident: gpu.resident,
      ranOn: ranOn(device),
      dispose: async () => {
        gpu.dispose()
        device.device.destroy()
      },
    }
  }
  const pool = await cpu()
  return { executor: pool?.executor ?? null, resident: null, ranOn: { device: 'cpu', adapter: null }, dispose: async () => pool?.dispose() }
}

