import { describe, expect, it } from 'vitest'
import { inBounds } from '../../../src/renderer/src/shell/NumberField'

describe('a number field\'s bounds', () => {
  it('accepts whole values within the limits, refuses an empty field (NaN), a fraction and values outside', () => {
    const parts = { min: 0, max: 32 }
    expect([0, 32, 6].map((v) => inBounds(v, parts))).toEqual([true, true, true])
    expect([Number.NaN, 1.5, -1, 33].map((v) => inBounds(v, parts))).toEqual([false, false, false, false])
    expect(inBounds(1e9, { min: 0 })).toBe(true)
  })

  it('takes fractions where the field says so', () => {
    expect(inBounds(0.5, { min: 0, max: 100, integer: false })).toBe(true)
    expect(inBounds(100.5, { min: 0, max: 100, integer: false })).toBe(false)
  })
})
