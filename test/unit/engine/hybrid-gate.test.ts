import { describe, expect, it } from 'vitest'
import { candidateGates, gateLabel, gateOpen, OPEN_GATE } from '../../../src/main/engine/correspondence/hybrid-gate'

const supported = { point: [10, 20] as [number, number], onSurface: true, targetVisible: 1 }

describe('the hybrid gate', () => {
  it('lets a supported keypoint through, and holds back one off the surface, hidden in the target, of a badly fitted pair, or without an answer', () => {
    const visible = { requireVisible: true, maxFitLoss: null }
    const fit = { requireVisible: false, maxFitLoss: 2 }
    expect(gateOpen(OPEN_GATE, { ...supported, onSurface: false, targetVisible: 0 }, 100)).toBe(true)
    expect(gateOpen(OPEN_GATE, { ...supported, point: null }, 0)).toBe(false)
    expect(gateOpen(visible, supported, 100)).toBe(true)
    expect(gateOpen(visible, { ...supported, onSurface: false }, 0)).toBe(false)
    expect(gateOpen(visible, { ...supported, targetVisible: 0.49 }, 0)).toBe(false)
    expect(gateOpen(visible, { ...supported, targetVisible: 0.5 }, 0)).toBe(true)
    expect(gateOpen(fit, { ...supported, onSurface: false }, 2)).toBe(true)
    expect(gateOpen(fit, supported, 2.0001)).toBe(false)
    expect(gateOpen({ requireVisible: true, maxFitLoss: 2 }, { ...supported, targetVisible: 0 }, 1)).toBe(false)
  })

  it('offers the open gate first, then visibility, then the val losses’ upper quartile and median, each alone and with visibility', () => {
    const losses = [5, 1, 4, 2, 3, Number.POSITIVE_INFINITY, 9, 8, 7]
    // Finite, sorted: 1 2 3 4 5 7 8 9; the 0.75 quantile index floor(0.75 * 7) = 5 -> 7, the median index 3 -> 4.
    expect(candidateGates(losses)).toEqual([
      OPEN_GATE,
      { requireVisible: true, maxFitLoss: null },
      { requireVisible: false, maxFitLoss: 7 },
      { requireVisible: true, maxFitLoss: 7 },
      { requireVisible: false, maxFitLoss: 4 },
      { requireVisible: true, maxFitLoss: 4 },
    ])
    expect(candidateGates([])).toEqual([OPEN_GATE, { requireVisible: true, maxFitLoss: null }])
  })

  it('names gates for reports and cache keys, the open gate with the empty name', () => {
    expect(gateLabel(OPEN_GATE)).toBe('')
    expect(gateLabel({ requireVisible: true, maxFitLoss: null })).toBe('visible')
    expect(gateLabel({ requireVisible: true, maxFitLoss: 0.123456789 })).toBe('visible+fitLoss<=0.123457')
  })
})
