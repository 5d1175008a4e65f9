import { CliUsageError } from './cli-error'

/**
 * A switch's flag as given (--appearance, --large-steps): comma-separated weights, each in
 * [0, max] (0 is off), a run or a bench row each; a bad value names the flag and the range.
 */
export function parseSwitchWeights(flag: string, value: unknown, max: number): number[] {
  const items = String(value)
    .split(',')
    .map((v) => v.trim())
  const weights = items.map((v) => (v === '' ? NaN : Number(v)))
  if (weights.some((w) => !(Number.isFinite(w) && w >= 0 && w <= max))) {
    throw new CliUsageError(`${flag} takes weights in [0, ${max}] (0 is off), got "${String(value)}"`)
  }
  return weights
}

/** The same for one run (`semagic train`): undefined when the flag is not given. */
export function parseOneSwitchWeight(flag: string, value: unknown, max: number): number | undefined {
  if (value === undefined) return undefined
  const weights = parseSwitchWeights(flag, value, max)
  if (weights.length !== 1) throw new CliUsageError(`${flag} takes one weight when training one run, got "${String(value)}"`)
  return weights[0]
}
