import { describe, expect, it } from 'vitest'
import { etaSeconds, formatDuration, startRate, updateRate } from '../../../src/shared/progress'

describe('progress rate and ETA', () => {
  it('measures the first rate exactly and smooths later ones', () => {
    let s = startRate(0)
    s = updateRate(s, 1000, 10)
    expect(s.rate).toBe(10)
    s = updateRate(s, 2000, 40) // instant 30/s, smoothed 0.3*30 + 0.7*10
    expect(s.rate).toBeCloseTo(16, 10)
  })

  it('measures bursts over a window instead of the instant between two items', () => {
    let s = updateRate(startRate(0), 0, 5)
    expect(s.rate).toBeNull()
    s = updateRate(s, 10, 4) // four items 10 ms after the start: no rate of 400/s
    expect(s.rate).toBeNull()
    s = updateRate(s, 2000, 8)
    expect(s.rate).toBe(4)
  })

  it('computes the ETA only when total and rate are known', () => {
    expect(etaSeconds(10, 20, 120)).toBe(10)
    expect(etaSeconds(null, 20, 120)).toBeNull()
    expect(etaSeconds(10, 20, null)).toBeNull()
    expect(etaSeconds(10, 200, 120)).toBe(0)
  })

  it('formats durations for people', () => {
    expect(formatDuration(null)).toBe('--')
    expect(formatDuration(42)).toBe('42s')
    expect(formatDuration(125)).toBe('2m05s')
    expect(formatDuration(3725)).toBe('1h02m')
  })
})
