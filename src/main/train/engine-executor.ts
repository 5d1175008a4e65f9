import type { DeviceChoice, RanOn } from '../../shared/device'
import { adapterLabel } from '../../shared/device'
import { GpuUnavailableError, checkEngineDevice, ranOn } from '../engine/gpu/adapter'
import type { EngineDevice } from '../engine/gpu/adapter'
import type { ViewTarget } from '../engine/losses/view-target'
import type { TrainState } from '../engine/train/checkpoint'
import type { ShardExecutor } from '../engine/train/train-category'

/** A step's shards on an open GPU device, the category and targets kept on it between steps. */
export type GpuExecutorFactory = (device: GPUDevice, state: TrainState, targets: readonly ViewTarget[]) => Promise<{ executor: ShardExecutor; dispose(): Promise<void> | void }>

/**
 * The GPU engine of this build, or null where it has none: the one place it plugs in (replace
 * `return null` with its factory). Until then `gpu` is refused by name and `auto` trains on the
 * CPU and records `cpu`: no run claims a device its steps did not run on.
 */
function gpuEngine(): GpuExecutorFactory | null {
  return null
}

/** Whether `gpu` can train in this build (tests of the GPU path ask). */
export function gpuEngineInBuild(): boolean {
  return gpuEngine() !== null
}

const NOT_IN_BUILD = 'The GPU engine is not in this build: train with --device cpu (or auto, which then trains on the CPU).'

/** Where a job's steps run and the executor that runs them there (null: every shard in the training thread). */
export interface EngineExecutor {
  executor: ShardExecutor | null
  ranOn: RanOn
  /** Why `auto` left a GPU unused, for the job's log; null otherwise. */
  note: string | null
  dispose(): Promise<void>
}

/**
 * What a training job asked to run on `choice` will run on, checked before anything is stored:
 * throws GpuUnavailableError for `gpu` with no usable adapter, or with no GPU engine in the build.
 */
export async function checkTrainDevice(choice: DeviceChoice): Promise<RanOn> {
  const found = await checkEngineDevice(choice)
  if (found.device === 'gpu' && !gpuEngine()) {
    if (choice === 'gpu') throw new GpuUnavailableError(NOT_IN_BUILD, 'no-engine')
    return { device: 'cpu', adapter: null }
  }
  return found
}

/**
 * The executor of a training job on the device it opened: the GPU engine on a GPU, else the CPU
 * engine (`cpu()`: shard helper threads, or null for every shard in this thread).
 */
export async function engineExecutor(
  device: EngineDevice,
  choice: DeviceChoice,
  state: TrainState,
  targets: readonly ViewTarget[],
  cpu: () => Promise<{ executor: ShardExecutor; dispose(): Promise<void> } | null>,
): Promise<EngineExecutor> {
  let note: string | null = null
  if (device.kind === 'gpu') {
    const factory = gpuEngine()
    if (factory) {
      let gpu
      try {
        gpu = await factory(device.device, state, targets)
      } catch (error) {
        device.device.destroy()
        throw error
      }
      return {
        executor: gpu.executor,
        ranOn: ranOn(device),
        note: null,
        dispose: async () => {
          await gpu.dispose()
          device.device.destroy()
        },
      }
    }
    device.device.destroy()
    if (choice === 'gpu') throw new GpuUnavailableError(NOT_IN_BUILD, 'no-engine')
    note = `auto: ${adapterLabel(device.adapter)} found, but this build has no GPU engine; the CPU trains`
  }
  const pool = await cpu()
  return { executor: pool?.executor ?? null, ranOn: { device: 'cpu', adapter: null }, note, dispose: async () => pool?.dispose() }
}

/**
 * Where fits of a trained model (mesh:, hybrid:, Meshes, Transfer) run when the device asked for
 * was found to be `found`: on the CPU in this build, said where a GPU would have been used.
 */
export function fitsRunOn(found: RanOn): { ranOn: RanOn; note: string | null } {
  return { ranOn: { device: 'cpu', adapter: null }, note: found.device === 'gpu' ? 'fits of trained models run on the CPU: the GPU engine does not fit images yet' : null }
}
