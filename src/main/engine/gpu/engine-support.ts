import type { DeviceChoice } from '../../../shared/device'
import { cpuOnlySetting } from '../model/config'
import type { EngineConfig, EngineWork } from '../model/config'
import { GpuUnavailableError } from './adapter'

/**
 * The device choice a job on `config` may use: as asked, unless the GPU engine cannot run the
 * configuration, when `auto` becomes `cpu` (the same maths, only slower) and `gpu` is refused
 * by name rather than run without what it lacks.
 */
export function engineDeviceChoice(choice: DeviceChoice, config: EngineConfig, work: EngineWork): DeviceChoice {
  const gap = cpuOnlySetting(config, work)
  if (gap === null || choice === 'cpu') return choice
  if (choice === 'gpu') throw new GpuUnavailableError(`the GPU engine cannot run this model: ${gap}; use --device cpu or auto`, 'engine')
  return 'cpu'
}
