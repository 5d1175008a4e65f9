import { describe, expect, it } from 'vitest'
import { DEFAULT_ASSET_IMAGES, splitCounts } from '../../../../src/main/datasets/asset/make-asset-dataset'

describe('splitCounts', () => {
  it('divides an asset set 200/25/50 whatever the demo holds, so benchmarks made from assets keep their splits', () => {
    expect(splitCounts(DEFAULT_ASSET_IMAGES)).toEqual({ trn: 200, val: 25, test: 50 })
    expect(splitCounts(550)).toEqual({ trn: 400, val: 50, test: 100 })
  })

  it('keeps 2 images in val and test of a small set, and refuses counts it cannot split', () => {
    expect(splitCounts(12)).toEqual({ trn: 8, val: 2, test: 2 })
    expect(() => splitCounts(1.5)).toThrow(RangeError)
    expect(() => splitCounts(100000)).toThrow(/images must be an integer/)
  })
})
