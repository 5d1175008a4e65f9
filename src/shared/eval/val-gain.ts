/** One-sided 95 % normal quantile. */
const Z95 = 1.6448536269514722

export interface ValGain {
  /** Mean of the per-pair differences. */
  mean: number
  /** Its standard error, clustered (pairs that share a cluster are not independent). */
  standardError: number
  /** mean - Z95 standard error: the gain is significant when this is above 0. */
  lowerBound: number
}

/**
 * The mean of per-pair score differences (a method's PCK of a pair minus the reference's) and
 * a one-sided 95 % lower bound on it, with the standard error clustered by `cluster` (the
 * sandwich estimate: the sum over clusters of their residuals' squared sums, over n^2), because
 * a val set's pairs reuse its images: the demo's 800 val pairs of 100 images a category are not 800 independent draws.
 */
export function valGain(differences: readonly number[], cluster: readonly string[]): ValGain {
  const n = differences.length
  if (n === 0) return { mean: 0, standardError: 0, lowerBound: 0 }
  const mean = differences.reduce((a, b) => a + b, 0) / n
  const sums = new Map<string, number>()
  differences.forEach((d, i) => sums.set(cluster[i]!, (sums.get(cluster[i]!) ?? 0) + d - mean))
  let variance = 0
  for (const s of sums.values()) variance += s * s
  const standardError = Math.sqrt(variance) / n
  return { mean, standardError, lowerBound: mean - Z95 * standardError }
}
