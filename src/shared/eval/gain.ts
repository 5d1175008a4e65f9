export interface MeanStd {
  mean: number
  std: number
}

/** Mean and sample standard deviation (n - 1; 0 for a single value). */
export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length
  if (n === 0) return { mean: 0, std: 0 }
  const mean = values.reduce((a, b) => a + b, 0) / n
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0
  return { mean, std: Math.sqrt(variance) }
}

export type Verdict = 'helps' | 'hurts' | 'no clear difference'

export interface Gain {
  /** PCK of a method minus its reference's, mean ± the method's spread over seeds (the reference's scores do not vary with seeds). */
  gain: MeanStd
  verdict: Verdict
}

/**
 * Whether a method beats its reference (issue 23's "does the 3-D model help here?", asked of a
 * hybrid against the 2-D matcher it refines): it helps when the gain stays above 0 by its
 * spread over seeds (by its sign with one seed), hurts when it stays below, and is otherwise no
 * clear difference.
 */
export function gainOf(method: MeanStd, reference: MeanStd): Gain {
  const gain = { mean: method.mean - reference.mean, std: method.std }
  const verdict: Verdict = gain.mean - gain.std > 1e-12 ? 'helps' : gain.mean + gain.std < -1e-12 ? 'hurts' : 'no clear difference'
  return { gain, verdict }
}

/** A gain as tables print it, in points: "+4.1 ± 0.5 (helps)". */
export function formatGain({ gain, verdict }: Gain): string {
  const points = (v: number): string => (100 * v).toFixed(1)
  return `${gain.mean >= 0 ? '+' : ''}${points(gain.mean)}${gain.std > 0 ? ` ± ${points(gain.std)}` : ''} (${verdict === 'no clear difference' ? 'unclear' : verdict})`
}
