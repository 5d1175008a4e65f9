import { describe, expect, it } from 'vitest'
import { candidateGates, gateLabel, gateOpen, OPEN_GATE } from '../../../src/main/engine/correspondence/hybrid-gate'

const supported = { point: [10, 20] as [number, number], onSurface: true, targetVisible: 1 }
const pair = (loss: number, azimuthGap = Math.PI): { loss: number; azimuthGap: number } => ({ loss, azimuthGap })

describe('the hybrid gate', () => {
  it('lets a supported keypoint through, and holds back one off the surface, hidden in the target, of a badly fitted pair, of a pair seen from one side, or without an answer', () => {
    const visible = { ...OPEN_GATE, requireVisible: true }
    const fit = { ...OPEN_GATE, maxFitLoss: 2 }
    const apart = { ...OPEN_GATE, minAzimuthGap: 0.5 }
    expect(gateOpen(OPEN_GATE, { ...supported, onSurface: false, targetVisible: 0 }, pair(100, 0))).toBe(true)
    expect(gateOpen(OPEN_GATE, { ...supported, point: null }, pair(0))).toBe(false)
    expect(gateOpen(visible, supported, pair(100))).toBe(true)
    expect(gateOpen(visible, { ...supported, onSurface: false }, pair(0))).toBe(false)
    expect(gateOpen(visible, { ...supported, targetVisible: 0.49 }, pair(0))).toBe(false)
    expect(gateOpen(visible, { ...supported, targetVisible: 0.5 }, pair(0))).toBe(true)
    expect(gateOpen(fit, { ...supported, onSurface: false }, pair(2))).toBe(true)
    expect(gateOpen(fit, supported, pair(2.0001))).toBe(false)
    expect(gateOpen(apart, supported, pair(0, 0.5))).toBe(true)
    expect(gateOpen(apart, supported, pair(0, 0.49))).toBe(false)
    expect(gateOpen({ requireVisible: true, maxFitLoss: 2, minAzimuthGap: null }, { ...supported, targetVisible: 0 }, pair(1))).toBe(false)
  })

  it('offers the open gate first, then each limit (val losses’ upper quartile and median, half a bin and a bin of azimuth), each alone and with visibility', () => {
    const losses = [5, 1, 4, 2, 3, Number.POSITIVE_INFINITY, 9, 8, 7]
    // Finite, sorted: 1 2 3 4 5 7 8 9; the 0.75 quantile index floor(0.75 * 7) = 5 -> 7, the median index 3 -> 4.
    const limits = [
      { maxFitLoss: null, minAzimuthGap: null },
      { maxFitLoss: 7, minAzimuthGap: null },
      { maxFitLoss: 4, minAzimuthGap: null },
      { maxFitLoss: null, minAzimuthGap: Math.PI / 8 },
      { maxFitLoss: null, minAzimuthGap: Math.PI / 4 },
    ]
    const gates = candidateGates(losses)
    expect(gates[0]).toEqual(OPEN_GATE)
    expect(gates).toEqual(limits.flatMap((l) => [{ requireVisible: false, ...l }, { requireVisible: true, ...l }]))
    expect(candidateGates([]).map((g) => g.maxFitLoss)).toEqual(Array(6).fill(null))
  })

  it('names gates for reports and cache keys, the open gate with the empty name', () => {
    expect(gateLabel(OPEN_GATE)).toBe('')
    expect(gateLabel({ ...OPEN_GATE, requireVisible: true })).toBe('visible')
    expect(gateLabel({ requireVisible: true, maxFitLoss: 0.123456789, minAzimuthGap: null })).toBe('visible+fitLoss<=0.123457')
    expect(gateLabel({ ...OPEN_GATE, minAzimuthGap: Math.PI / 8 })).toBe('azimuthGap>=22.5deg')
  })
})
