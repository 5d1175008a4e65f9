import { describe, expect, it } from 'vitest'
import type { FeatureMap } from '../../../src/main/features/backbones/types'
import { nnMatch, sampleFeature, similarityMap } from '../../../src/main/transfer/nn-match'

/** A map whose cell (i, j) holds a one-hot code of (i + di, j + dj): a shifted copy of the identity. */
function shifted(h: number, w: number, stride: number, di: number, dj: number): FeatureMap {
  const C = h * w
  const data = new Float32Array(C * h * w)
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const si = i + di
      const sj = j + dj
      if (si < 0 || sj < 0 || si >= h || sj >= w) continue
      data[(si * w + sj) * h * w + i * w + j] = 1
    }
  }
  return { channels: C, height: h, width: w, stride, data }
}

describe('2-D nearest-neighbour matching', () => {
  it('samples unit features bilinearly between cell centres', () => {
    const map = shifted(4, 4, 10, 0, 0)
    const atCentre = sampleFeature(map, 15, 25) // centre of cell (2, 1)
    expect(atCentre[2 * 4 + 1]).toBeCloseTo(1, 6)
    const between = sampleFeature(map, 20, 25) // halfway between cells (2, 1) and (2, 2)
    expect(between[2 * 4 + 1]).toBeCloseTo(Math.SQRT1_2, 6)
    expect(between[2 * 4 + 2]).toBeCloseTo(Math.SQRT1_2, 6)
  })

  it('computes cosine similarity to every cell', () => {
    const map = shifted(3, 3, 8, 0, 0)
    const sim = similarityMap(map, sampleFeature(map, 12, 4)) // cell (0, 1)
    expect([...sim]).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0])
  })

  it('finds the target cell that carries the source feature, in crop pixels', () => {
    const stride = 10
    const src = shifted(6, 6, stride, 0, 0)
    const moved = shifted(6, 6, stride, -1, -2) // the content moved by (+1, +2) cells
    const [p] = nnMatch(src, [[25, 15]], moved, { upsample: 1 }) // source cell (1, 2)
    expect(p).toEqual([45, 25]) // target cell (2, 4): centre (4.5 * 10, 2.5 * 10)
  })

  it('searches only inside the given region', () => {
    const stride = 10
    const src = shifted(6, 6, stride, 0, 0)
    const [free] = nnMatch(src, [[25, 25]], src, { upsample: 1 })
    expect(free).toEqual([25, 25])
    const inside = nnMatch(src, [[25, 25]], src, { upsample: 1, region: [30, 30, 60, 60] })[0]!
    expect(inside[0]).toBeGreaterThanOrEqual(30)
    expect(inside[1]).toBeGreaterThanOrEqual(30)
  })

  it('refines to sub-cell positions with upsampling and the soft-argmax window', () => {
    const stride = 10
    const src = shifted(6, 6, stride, 0, 0)
    // Halfway between the centres of cells (2, 2) and (2, 3): x = 30, y = 25. One-hot features
    // make the similarity flat between the two centres, so the argmax lands somewhere on
    // that plateau (a quarter-cell grid), and the soft-argmax recovers its middle.
    const p4 = nnMatch(src, [[30, 25]], src, { upsample: 4 })[0]!
    expect(p4[0]).toBeGreaterThan(25)
    expect(p4[0]).toBeLessThan(35)
    expect(Math.abs(p4[1] - 25)).toBeLessThanOrEqual(1.25)
    const soft = nnMatch(src, [[30, 25]], src, { upsample: 4, softWindow: 1, softTemperature: 0.05 })[0]!
    expect(Math.abs(soft[0] - 30)).toBeLessThan(1)
    expect(Math.abs(soft[1] - 25)).toBeLessThan(1.25)
  })
})
