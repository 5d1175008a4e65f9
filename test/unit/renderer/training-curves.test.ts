import { describe, expect, it } from 'vitest'
import { alignCurves, lossKeys, parseCompare, plotValue, toggleCompare } from '../../../src/renderer/src/views/training/curves'

const row = (step: number, losses: Record<string, number>): { step: number; losses: Record<string, number>; seconds: number } => ({ step, losses, seconds: step / 10 })

describe('loss curves of two runs on one step axis', () => {
  it('puts both runs on the union of their steps, with gaps where one logged nothing', () => {
    const a = [row(0, { total: 3 }), row(10, { total: 2 }), row(20, { total: 1 })]
    const b = [row(0, { total: 4 }), row(5, { total: 3.5 }), row(10, { total: 3 })]
    expect(alignCurves([a, b], 'total', false)).toEqual({
      steps: [0, 5, 10, 20],
      values: [
        [3, null, 2, 1],
        [4, 3.5, 3, null],
      ],
    })
  })

  it('leaves a term a run never logged as gaps, and non-positive values as gaps on a log axis', () => {
    const a = [row(0, { total: 0, view: 1 }), row(1, { total: 2, view: -1 })]
    const b = [row(1, { view: 0.5 })]
    expect(alignCurves([a, b], 'total', true).values).toEqual([
      [null, 2],
      [null, null],
    ])
    expect(alignCurves([a, b], 'view', false).values).toEqual([
      [1, -1],
      [null, 0.5],
    ])
    expect(plotValue(Number.NaN, false)).toBeNull()
  })

  it('offers the plotted terms of METHOD.md §5 in their fixed order', () => {
    expect(lossKeys([row(0, { chamfer: 1, dt: 2, total: 3, feature: 4, view: 5 })])).toEqual(['total', 'view', 'feature', 'chamfer'])
    expect(lossKeys([row(0, { b: 1, a: 2 })])).toEqual(['a', 'b'])
  })
})

describe('picking runs to compare', () => {
  it('keeps the latest two picks and unticks a picked run', () => {
    expect(toggleCompare([], 'r1')).toEqual(['r1'])
    expect(toggleCompare(['r1'], 'r2')).toEqual(['r1', 'r2'])
    expect(toggleCompare(['r1', 'r2'], 'r3')).toEqual(['r2', 'r3'])
    expect(toggleCompare(['r1', 'r2'], 'r1')).toEqual(['r2'])
  })

  it('reads at most two distinct ids from the route', () => {
    expect(parseCompare(null)).toEqual([])
    expect(parseCompare('a,,b')).toEqual(['a', 'b'])
    expect(parseCompare('a,a,b,c')).toEqual(['a', 'b'])
  })
})
