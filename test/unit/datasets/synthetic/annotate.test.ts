import { describe, expect, it } from 'vitest'
import { azimuthBin, maskBBox, poseOfBin, touchesBorder } from '../../../../src/main/datasets/synthetic/annotate'

describe('azimuth bins and pose', () => {
  it('uses 45-degree bins centred on 0, 45, ..., 315', () => {
    expect([0, 22.4, 22.5, 67.4, 90, 180, 270, 337.4, 337.5, 359.9, -10, 720].map(azimuthBin)).toEqual([0, 0, 1, 1, 2, 4, 6, 7, 0, 0, 0, 0])
  })

  it('names the four faces and leaves the diagonals unspecified', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(poseOfBin)).toEqual(['Frontal', 'Unspecified', 'Left', 'Unspecified', 'Rear', 'Unspecified', 'Right', 'Unspecified'])
  })
})

describe('mask measures', () => {
  // 5 x 4 mask with pixels at (1,1), (3,1), (2,2).
  const mask = Uint8Array.from([0, 0, 0, 0, 0, 0, 255, 0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0])

  it('boxes the extreme mask pixels, inclusive', () => {
    expect(maskBBox(mask, 5, 4)).toEqual([1, 1, 3, 2])
    expect(maskBBox(new Uint8Array(20), 5, 4)).toBeNull()
  })

  it('tells whether coverage reaches the border', () => {
    expect(touchesBorder(mask, 5, 4)).toBe(false)
    for (const p of [0, 4, 10, 14, 17]) {
      const edge = Uint8Array.from(mask)
      edge[p] = 1
      expect(touchesBorder(edge, 5, 4), `pixel ${p}`).toBe(true)
    }
  })
})
