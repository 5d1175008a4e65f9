import { DEVICE_CHOICES, DeviceChoice, ranOnLabel } from '../../shared/device'
import type { RanOn } from '../../shared/device'
import { AppError } from '../core/app-error'
import { GpuUnavailableError, checkEngineDevice } from '../engine/gpu/adapter'
import { CliUsageError } from './cli-error'
import type { CliIo, Options, Values } from './command'

/** The one switch of where the engine runs, for every command that runs it. */
export const DEVICE_OPTIONS: Options = { device: { type: 'string' } }

export const DEVICE_USAGE = `[--device ${DEVICE_CHOICES.join('|')}]`

/** --device as given (undefined: the workspace's engine.device setting decides); a bad value names the flag and the choices. */
export function parseDevice(values: Values): DeviceChoice | undefined {
  if (values.device === undefined) return undefined
  const parsed = DeviceChoice.safeParse(values.device)
  if (!parsed.success) throw new CliUsageError(`--device must be one of ${DEVICE_CHOICES.join(', ')}, got "${String(values.device)}"`)
  return parsed.data
}

/**
 * Before a command fits images with trained models: `gpu` with no usable adapter fails here,
 * naming why, and where the fits will run (the device the choice finds) is said.
 */
export async function checkFitsDevice(choice: DeviceChoice, io: CliIo): Promise<void> {
  let found
  try {
    found = await checkEngineDevice(choice)
  } catch (error) {
    if (error instanceof GpuUnavailableError) throw new AppError('BAD_INPUT', `device gpu: ${error.message}`)
    throw error
  }
  io.stderr.write(`device ${choice}: fits of trained models run on ${ranOnLabel(found)}\n`)
}

/** After an evaluation: where its model's fits ran, when it fitted any (the rest came from the cache). */
export function sayWhereFitsRan(label: string, fitsRanOn: RanOn | undefined, io: CliIo): void {
  if (fitsRanOn) io.stderr.write(`${label}: fits ran on ${ranOnLabel(fitsRanOn)}\n`)
}
