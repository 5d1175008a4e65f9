import { describe, expect, it } from 'vitest'
import { unitFeatureMap } from '../../../src/main/features/backbones/feature-map'

describe('unitFeatureMap', () => {
  it('moves cell-major values to channel-major and normalises each cell', () => {
    // 2 channels on a 1 x 2 grid: cell 0 = (3, 4), cell 1 = (0, 2).
    const map = unitFeatureMap([3, 4, 0, 2], 'hwc', 2, 1, 2, 8)
    expect(Array.from(map.data)).toEqual([0.6, 0, 0.8, 1].map(Math.fround))
    expect([map.channels, map.height, map.width, map.stride]).toEqual([2, 1, 2, 8])
  })

  it('normalises channel-major values in place of layout', () => {
    const map = unitFeatureMap([3, 0, 4, 2], 'chw', 2, 1, 2, 8)
    expect(Array.from(map.data)).toEqual([0.6, 0, 0.8, 1].map(Math.fround))
  })

  it('turns an all-zero cell into the uniform unit vector', () => {
    const map = unitFeatureMap([0, 0, 0, 0, 5, 0, 0, 0], 'hwc', 4, 2, 1, 8)
    expect(Array.from(map.data.filter((_, i) => i % 2 === 0))).toEqual([0.5, 0.5, 0.5, 0.5])
  })

  it('refuses values that do not fill the grid', () => {
    expect(() => unitFeatureMap([1, 2, 3], 'hwc', 2, 1, 2, 8)).toThrow(/expected 2 x 1 x 2 = 4, got 3/)
  })
})
