import { describe, expect, it } from 'vitest'
import type { FeatureMap } from '../../../src/main/features/backbones/types'
import type { Mask } from '../../../src/main/images/rgb-image'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { symmetricEigen } from '../../../src/main/engine/pca/linalg'
import { fitPca, projectPca } from '../../../src/main/engine/pca/pca'

/** Maps whose foreground cells live near a known 3-D subspace of 20 channels; background cells are noise elsewhere. */
function lowRankMaps(count: number, rng: SeededRandom): { maps: FeatureMap[]; masks: Mask[]; basis: Float64Array } {
  const C = 20
  const basis = new Float64Array(3 * C)
  for (let q = 0; q < basis.length; q++) basis[q] = rng.normal()
  const maps: FeatureMap[] = []
  const masks: Mask[] = []
  for (let m = 0; m < count; m++) {
    const data = new Float32Array(C * 8 * 8)
    const mask = new Uint8Array(16 * 16)
    for (let p = 0; p < 64; p++) {
      const fg = (p % 8) >= 2 && (p % 8) < 6
      const a = [rng.normal() * 3, rng.normal() * 2, rng.normal()]
      for (let c = 0; c < C; c++) {
        const v = fg ? 1 + a[0]! * basis[c]! + a[1]! * basis[C + c]! + a[2]! * basis[2 * C + c]! + 0.01 * rng.normal() : 50 * rng.normal()
        data[c * 64 + p] = v
      }
      // The mask is 16 x 16 over the same crop: 2 x 2 mask pixels per cell.
      if (fg) for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) mask[(2 * Math.floor(p / 8) + dy!) * 16 + 2 * (p % 8) + dx!] = 1
    }
    maps.push({ channels: C, height: 8, width: 8, stride: 4, data })
    masks.push({ width: 16, height: 16, data: mask })
  }
  return { maps, masks, basis }
}

describe('fitPca / projectPca', () => {
  it('finds the foreground subspace (ignoring background cells), strongest axis first', () => {
    const rng = new SeededRandom(1)
    const { maps, masks, basis } = lowRankMaps(12, rng)
    const pca = fitPca(maps, masks, 3, { seed: 2 })
    expect(pca.dims).toBe(3)
    expect(pca.variance[0]).toBeGreaterThan(pca.variance[1]!)
    expect(pca.variance[1]).toBeGreaterThan(pca.variance[2]!)
    // Every true basis vector lies in the span of the fitted axes.
    const C = 20
    for (let b = 0; b < 3; b++) {
      const v = basis.subarray(b * C, (b + 1) * C)
      const norm2 = v.reduce((s, x) => s + x * x, 0)
      let inSpan = 0
      for (let a = 0; a < 3; a++) {
        let d = 0
        for (let c = 0; c < C; c++) d += v[c]! * pca.components[a * C + c]!
        inSpan += d * d
      }
      expect(inSpan / norm2).toBeGreaterThan(0.999)
    }
  })

  it('matches the exact eigen-decomposition of the covariance', () => {
    const rng = new SeededRandom(3)
    const C = 10
    const maps: FeatureMap[] = []
    const masks: Mask[] = []
    const scales = Array.from({ length: C }, (_, c) => 3 / (c + 1))
    for (let m = 0; m < 6; m++) {
      const data = new Float32Array(C * 25)
      for (let c = 0; c < C; c++) for (let p = 0; p < 25; p++) data[c * 25 + p] = scales[c]! * rng.normal() + (c === 2 ? 0.5 * data[p]! : 0)
      maps.push({ channels: C, height: 5, width: 5, stride: 1, data })
      masks.push({ width: 5, height: 5, data: new Uint8Array(25).fill(1) })
    }
    const pca = fitPca(maps, masks, 4, { seed: 1, powerIterations: 3 })
    // Exact covariance of the same (all) cells.
    const n = 6 * 25
    const mean = new Float64Array(C)
    for (const map of maps) for (let c = 0; c < C; c++) for (let p = 0; p < 25; p++) mean[c]! += map.data[c * 25 + p]! / n
    const cov = new Float64Array(C * C)
    for (const map of maps) {
      for (let p = 0; p < 25; p++) {
        for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) cov[a * C + b]! += ((map.data[a * 25 + p]! - mean[a]!) * (map.data[b * 25 + p]! - mean[b]!)) / (n - 1)
      }
    }
    const { values, vectors } = symmetricEigen(cov, C)
    for (let a = 0; a < 4; a++) {
      expect(pca.variance[a]).toBeCloseTo(values[a]!, 3)
      let d = 0
      for (let c = 0; c < C; c++) d += vectors[a * C + c]! * pca.components[a * C + c]!
      expect(Math.abs(d)).toBeCloseTo(1, 4)
    }
  })

  it('projects to unit cells of the requested dimension on the same grid', () => {
    const rng = new SeededRandom(4)
    const { maps, masks } = lowRankMaps(4, rng)
    const pca = fitPca(maps, masks, 5)
    const out = projectPca(pca, maps[0]!)
    expect([out.channels, out.height, out.width, out.stride]).toEqual([5, 8, 8, 4])
    for (let p = 0; p < 64; p++) {
      let s = 0
      for (let c = 0; c < 5; c++) s += out.data[c * 64 + p]! ** 2
      expect(s).toBeCloseTo(1, 5)
    }
    expect(() => projectPca(pca, { ...maps[0]!, channels: 3, data: new Float32Array(3 * 64) })).toThrow(/20 channels/)
  })

  it('is deterministic for a seed', () => {
    const { maps, masks } = lowRankMaps(4, new SeededRandom(5))
    expect(Array.from(fitPca(maps, masks, 3, { seed: 7 }).components)).toEqual(Array.from(fitPca(maps, masks, 3, { seed: 7 }).components))
  })
})
