import { MAX_APPEARANCE } from '../../shared/ipc/channels/train'
import { CliUsageError } from './cli-error'

/**
 * --appearance as given: comma-separated weights of the image's colour in the feature term, each
 * in [0, MAX_APPEARANCE] (0 is off); a bad value names the flag and the range.
 */
export function parseAppearance(value: unknown): number[] {
  const items = String(value)
    .split(',')
    .map((v) => v.trim())
  const weights = items.map((v) => (v === '' ? NaN : Number(v)))
  if (items.length === 0 || weights.some((w) => !(Number.isFinite(w) && w >= 0 && w <= MAX_APPEARANCE))) {
    throw new CliUsageError(`--appearance takes weights in [0, ${MAX_APPEARANCE}] (0 is off), got "${String(value)}"`)
  }
  return weights
}
