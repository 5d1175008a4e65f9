import { describe, expect, it } from 'vitest'
import { rankPairs } from '../../../src/shared/eval/pair-ranking'

const rows = [
  { pck: 1, meanNormError: 0 },
  { pck: 0.5, meanNormError: 0.2 },
  { pck: 0.5, meanNormError: Infinity },
  { pck: 1, meanNormError: 0.05 },
  { pck: 0, meanNormError: NaN },
]

describe('rankPairs', () => {
  it('puts the worst first by PCK, then by the larger error (missing = largest)', () => {
    expect(rankPairs(rows, 'pck', false)).toEqual([4, 2, 1, 3, 0])
    expect(rankPairs(rows, 'pck', true)).toEqual([0, 3, 1, 2, 4])
  })
  it('sorts by error with the missing ones largest, ties by PCK then input order', () => {
    expect(rankPairs(rows, 'error', true)).toEqual([4, 2, 1, 3, 0])
    expect(rankPairs(rows, 'error', false)).toEqual([0, 3, 1, 2, 4])
    const tied = [{ pck: 1, meanNormError: 0.1 }, { pck: 0.5, meanNormError: 0.1 }, { pck: 0.5, meanNormError: 0.1 }]
    expect(rankPairs(tied, 'error', true)).toEqual([1, 2, 0])
  })
  it('keeps or reverses the input order for pair', () => {
    expect(rankPairs(rows, 'pair', false)).toEqual([0, 1, 2, 3, 4])
    expect(rankPairs(rows, 'pair', true)).toEqual([4, 3, 2, 1, 0])
  })
})
