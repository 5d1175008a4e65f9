export const DEFAULT_ALPHAS = [0.05, 0.1, 0.15] as const

export interface Alpha {
  key: string
  value: number
}

/** Shortest decimal of an alpha: 0.1 -> "0.1", and 0.1 + 0.2 -> "0.3" rather than "0.30000000000000004". */
export function formatAlpha(alpha: number): string {
  return String(Number(alpha.toPrecision(12)))
}

/**
 * Report keys and values of the requested alphas. A string is kept verbatim as its key (a user who
 * asked for "0.10" finds "0.10" in the report). Throws RangeError on a value that is not a positive
 * finite number, or on two alphas of the same value (their keys would disagree about one column).
 */
export function parseAlphas(alphas: readonly (number | string)[]): Alpha[] {
  const out: Alpha[] = []
  for (const a of alphas) {
    const key = typeof a === 'string' ? a.trim() : formatAlpha(a)
    const value = typeof a === 'string' ? (key === '' ? NaN : Number(key)) : a
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`alpha ${JSON.stringify(a)} is not a positive number`)
    const twin = out.find((o) => o.value === value)
    if (twin) throw new RangeError(`alpha ${JSON.stringify(a)} repeats ${twin.key}`)
    out.push({ key, value })
  }
  if (out.length === 0) throw new RangeError('at least one alpha is needed')
  return out
}
