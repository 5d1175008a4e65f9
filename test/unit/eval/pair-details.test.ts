import { describe, expect, it } from 'vitest'
import { pairDetail, pairsWorstFirst } from '../../../src/shared/eval/pair-details'
import { scorePairs } from '../../../src/shared/eval/pck-score'
import { SCENARIO } from './fixture-pairs'

describe('per-pair detail', () => {
  const scores = scorePairs(SCENARIO)

  it('gives pixel and normalised errors, the threshold and correct flags per alpha', () => {
    const d = pairDetail(scores, 0)
    expect(d).toMatchObject({ index: 0, split: 'test', name: '000001-2008_000001-2008_000002:cat', category: 'cat', kpsIds: [0, 2, 5], threshold: 100, fallback: false })
    expect(d.errors).toEqual([10, 9, 11])
    expect(d.normErrors).toEqual([0.1, 0.09, 0.11])
    expect(d.meanNormError).toBeCloseTo(0.1, 15)
    expect(d.correct).toEqual({ '0.05': [false, false, false], '0.1': [true, true, false], '0.15': [true, true, true] })
    expect(d.pck).toEqual({ '0.05': 0, '0.1': 2 / 3, '0.15': 1 })
  })

  it('writes missing predictions as null and sorts them as infinitely wrong', () => {
    const d = pairDetail(scores, 3)
    expect(d.errors).toEqual([0, 20, null, 25])
    expect(d.normErrors).toEqual([0, 20 / 280, null, 25 / 280])
    expect(d.meanNormError).toBe(Infinity)
    expect(JSON.parse(JSON.stringify(d))).toMatchObject({ errors: [0, 20, null, 25] })
    expect(() => pairDetail(scores, 4)).toThrow(RangeError)
  })

  it('orders pairs worst first: lowest PCK, then largest mean normalised error', () => {
    // @0.1: pair PCKs 2/3, 2/3, 1/2, 3/4; of the two at 2/3, index 1 has a missing point.
    expect([...pairsWorstFirst(scores, '0.1')]).toEqual([2, 1, 0, 3])
    // @0.05: 0, 1/3, 1/2, 1/4.
    expect([...pairsWorstFirst(scores, '0.05')]).toEqual([0, 3, 1, 2])
    expect(() => pairsWorstFirst(scores, '0.2')).toThrow(/not scored/)
  })
})
