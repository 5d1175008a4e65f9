import { describe, expect, it } from 'vitest'
import { Rng } from '../../../../src/main/datasets/synthetic/random'

const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.next())

describe('Rng', () => {
  it('repeats the same stream for the same key and another for any other key', () => {
    expect(draw(new Rng(1, 'bird', 'trn', 3), 20)).toEqual(draw(new Rng(1, 'bird', 'trn', 3), 20))
    expect(draw(new Rng(1, 'bird', 'trn', 3), 20)).not.toEqual(draw(new Rng(1, 'bird', 'trn', 4), 20))
    // Joined keys must not collide: ('ab', 'c') vs ('a', 'bc').
    expect(draw(new Rng('ab', 'c'), 5)).not.toEqual(draw(new Rng('a', 'bc'), 5))
  })

  it('draws uniform numbers in [0, 1) and integers in the closed range', () => {
    const rng = new Rng('range')
    const values = draw(rng, 5000)
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...values)).toBeLessThan(1)
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1)
    const ints = new Set(Array.from({ length: 500 }, () => rng.int(2, 5)))
    expect([...ints].sort()).toEqual([2, 3, 4, 5])
  })

  it('shuffles into a permutation and refuses to pick from nothing', () => {
    const rng = new Rng('shuffle')
    const items = Array.from({ length: 50 }, (_, i) => i)
    const shuffled = rng.shuffle([...items])
    expect(shuffled).not.toEqual(items)
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items)
    expect(() => rng.pick([])).toThrow(RangeError)
  })
})
