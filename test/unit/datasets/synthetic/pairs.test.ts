import { describe, expect, it } from 'vitest'
import type { BBox, PixelPoint } from '../../../../src/main/datasets/synthetic/annotate'
import { scaleVariation, selectPairs, sharedKeypoints, sideFlag, viewpointVariation } from '../../../../src/main/datasets/synthetic/pairs'
import type { PairableImage } from '../../../../src/main/datasets/synthetic/pairs'
import { Rng } from '../../../../src/main/datasets/synthetic/random'

function image(visible: readonly number[], bbox: BBox = [0, 0, 10, 10]): PairableImage {
  const keypoints: (PixelPoint | null)[] = Array.from({ length: 6 }, (_, id) => (visible.includes(id) ? [id, id] : null))
  return { keypoints, azimuthId: 0, bbox, truncated: false, occluded: false }
}

describe('pair flags', () => {
  it('grades viewpoint change by the circular azimuth-bin distance', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((b) => viewpointVariation(0, b))).toEqual([0, 1, 1, 2, 2, 2, 1, 1])
    expect(viewpointVariation(7, 1)).toBe(1)
  })

  it('grades scale change by the ratio of the boxes longer sides', () => {
    expect(scaleVariation([0, 0, 100, 50], [0, 0, 40, 70])).toBe(0) // 100 / 70
    expect(scaleVariation([0, 0, 100, 50], [10, 10, 70, 30])).toBe(1) // 100 / 60
    expect(scaleVariation([0, 0, 40, 40], [0, 0, 80, 10])).toBe(2) // exactly 2
    expect(scaleVariation([0, 0, 20, 20], [0, 0, 100, 100])).toBe(2)
  })

  it('codes truncation and occlusion as none, source, target, both', () => {
    expect([sideFlag(false, false), sideFlag(true, false), sideFlag(false, true), sideFlag(true, true)]).toEqual([0, 1, 2, 3])
  })
})

describe('selectPairs', () => {
  it('lists the keypoints annotated in both images', () => {
    expect(sharedKeypoints(image([0, 2, 3, 5]), image([2, 5, 1]))).toEqual([2, 5])
  })

  it('never pairs images without a shared keypoint and prefers pairs sharing three', () => {
    const images = [image([0, 1, 2, 3]), image([0, 1, 2]), image([3, 4]), image([5]), image([1, 3])]
    const all = selectPairs(new Rng('pairs'), images, 100)
    for (const [i, j] of all) {
      expect(i).toBeLessThan(j)
      expect(sharedKeypoints(images[i]!, images[j]!).length).toBeGreaterThan(0)
    }
    // (0,1) shares 3; (0,2), (0,4), (1,4), (2,4) share 1 or 2; image 3 shares nothing.
    expect(all).toHaveLength(5)
    expect(all[0]).toEqual([0, 1])
    expect(selectPairs(new Rng('pairs'), images, 2)).toHaveLength(2)
  })
})
