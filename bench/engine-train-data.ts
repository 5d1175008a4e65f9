import { unitFeatureMap } from '../src/main/features/backbones/feature-map'
import { SeededRandom } from '../src/main/engine/math/seeded-random'
import type { TrainingImage } from '../src/main/engine/train/training-data'
import { CHANNELS, renderView, syntheticObject } from '../test/unit/engine/synthetic-views'

/** Feature channels and grid of the training benchmarks' images (METHOD §9's defaults). */
export const C = 64
export const GRID = 17

/**
 * The training benchmarks' data: 48 views of a known object rendered by the engine's
 * rasteriser, its features lifted to 64 channels; a step's cost does not depend on what the
 * images show.
 */
export function benchImages(): TrainingImage[] {
  const object = syntheticObject(3, true)
  const rng = new SeededRandom(1)
  const lift = Float64Array.from({ length: CHANNELS * C }, () => rng.normal())
  return Array.from({ length: 48 }, (_, k) => {
    const view = renderView(object, [(2 * rng.next() - 1) * Math.PI, 0.25, 0, Math.log(0.6), 0, 0], GRID, 299)
    const plane = GRID * GRID
    const values = new Float64Array(plane * C)
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < C; c++) {
        let s = 0
        for (let q = 0; q < CHANNELS; q++) s += lift[q * C + c]! * view.features.data[q * plane + p]!
        values[p * C + c] = s
      }
    }
    return { key: `view-${k}`, mask: view.mask, features: unitFeatureMap(values, 'hwc', C, GRID, GRID, 299 / GRID) }
  })
}
