import { describe, expect, it } from 'vitest'
import { valGain } from '../../../src/shared/eval/val-gain'

describe('valGain: a mean difference and its one-sided 95 % lower bound, clustered', () => {
  it('with every pair its own cluster: the sandwich standard error sqrt(sum r^2) / n (hand-computed)', () => {
    // Differences 0.1, 0.3, 0.2, 0.4: mean 0.25, residuals -0.15, 0.05, -0.05, 0.15, sum of squares 0.05.
    const g = valGain([0.1, 0.3, 0.2, 0.4], ['a', 'b', 'c', 'd'])
    expect(g.mean).toBeCloseTo(0.25, 12)
    expect(g.standardError).toBeCloseTo(Math.sqrt(0.05) / 4, 12)
    expect(g.lowerBound).toBeCloseTo(0.25 - 1.6448536269514722 * (Math.sqrt(0.05) / 4), 12)
    expect(g.lowerBound).toBeGreaterThan(0)
  })

  it('pairs sharing an image count as one draw: the same differences in two clusters give a wider bound, here below 0', () => {
    const d = [0.1, 0.1, 0.1, -0.02, -0.02, -0.02]
    const apart = valGain(d, ['1', '2', '3', '4', '5', '6'])
    const together = valGain(d, ['x', 'x', 'x', 'y', 'y', 'y'])
    expect(together.mean).toBeCloseTo(apart.mean, 12)
    expect(together.standardError).toBeGreaterThan(apart.standardError)
    // Residuals 0.06 (x3) and -0.06 (x3): clusters sum to ±0.18, so SE = sqrt(2 * 0.0324) / 6 = 0.0424.
    expect(together.standardError).toBeCloseTo(Math.sqrt(2 * 0.18 ** 2) / 6, 12)
    expect(together.lowerBound).toBeLessThan(0)
  })

  it('no pairs: no gain', () => {
    expect(valGain([], [])).toEqual({ mean: 0, standardError: 0, lowerBound: 0 })
  })
})
