import { describe, expect, it } from 'vitest'
import { distanceToForeground } from '../../../src/main/engine/losses/distance-transform'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'

describe('distanceToForeground', () => {
  it('equals the brute-force Euclidean distance to the nearest foreground pixel', () => {
    const rng = new SeededRandom(1)
    const [w, h] = [23, 17]
    const mask = Uint8Array.from({ length: w * h }, () => (rng.next() < 0.03 ? 1 : 0))
    mask[5 * w + 7] = 1
    const d = distanceToForeground(mask, w, h)
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let best = Infinity
        for (let p = 0; p < w * h; p++) if (mask[p]) best = Math.min(best, Math.hypot((p % w) - x, Math.floor(p / w) - y))
        expect(d[y * w + x]).toBeCloseTo(best, 10)
      }
    }
  })
})
