import type { DeviceChoice } from '../../../shared/device'
import type { EngineConfig } from '../model/config'
import { GpuUnavailableError } from './adapter'

/** Training a category, or fitting images with a trained one (which uses only the per-image loss). */
export type EngineWork = 'training' | 'fitting'

/** What of a configuration the GPU engine has no kernels for, or null when it runs all of it. */
function gpuEngineGap(config: EngineConfig, work: EngineWork): string | null {
  const soft = config.weights.softSilhouette
  if (soft > 0) return `the face-based silhouette (weights.softSilhouette ${soft}) runs on the CPU engine only`
  // A fit steps only its image's camera and code: the category's updates and frames are training's.
  if (work === 'fitting') return null
  if (config.largeSteps > 0 || config.largeStepsBasis > 0) return `the large-steps update (largeSteps ${config.largeSteps}, largeStepsBasis ${config.largeStepsBasis}) runs on the CPU engine only`
  return config.frameSync ? 'frame synchronisation (frameSync) runs on the CPU engine only' : null
}

/**
 * The device choice a job on `config` may use: as asked, unless the GPU engine cannot run the
 * configuration, when `auto` becomes `cpu` (the same maths, only slower) and `gpu` is refused
 * by name rather than run without what it lacks.
 */
export function engineDeviceChoice(choice: DeviceChoice, config: EngineConfig, work: EngineWork): DeviceChoice {
  const gap = gpuEngineGap(config, work)
  if (gap === null || choice === 'cpu') return choice
  if (choice === 'gpu') throw new GpuUnavailableError(`the GPU engine cannot run this model: ${gap}; use --device cpu or auto`, 'engine')
  return 'cpu'
}
