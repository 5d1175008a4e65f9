import { describe, expect, it } from 'vitest'
import { formatAlpha, parseAlphas } from '../../../src/shared/eval/alpha-keys'
import { evaluatePck } from '../../../src/shared/eval/pck-report'
import { SCENARIO } from './fixture-pairs'

describe('alpha keys', () => {
  it('writes numbers as their shortest decimal', () => {
    expect([0.05, 0.1, 0.15, 0.01, 1].map(formatAlpha)).toEqual(['0.05', '0.1', '0.15', '0.01', '1'])
    expect(formatAlpha(0.1 + 0.2)).toBe('0.3')
    expect(formatAlpha(0.15 * 3)).toBe('0.45')
  })

  it('keeps a string alpha as the user wrote it', () => {
    expect(parseAlphas(['0.10', 0.05, ' 0.2 '])).toEqual([
      { key: '0.10', value: 0.1 },
      { key: '0.05', value: 0.05 },
      { key: '0.2', value: 0.2 },
    ])
    const r = evaluatePck(SCENARIO, { method: 'm', dataset: 'd', split: 'test', cache: 'hit' }, { alphas: ['0.10'] }).report
    expect(r.alphas).toEqual(['0.10'])
    expect(Object.keys(r.overall)).toEqual(['0.10'])
    expect(Object.keys(r.categories.cat ?? {})).toEqual(['0.10'])
    expect(r.overall['0.10']?.perPoint).toBe(2 / 3)
  })

  it('rejects alphas that are not positive numbers, repeated values and an empty list', () => {
    for (const bad of [[0], [-0.1], [NaN], [Infinity], ['abc'], [''], ['0']]) expect(() => parseAlphas(bad)).toThrow(RangeError)
    expect(() => parseAlphas([0.1, '0.10'])).toThrow(/repeats 0.1/)
    expect(() => parseAlphas([])).toThrow(/at least one/)
  })
})
