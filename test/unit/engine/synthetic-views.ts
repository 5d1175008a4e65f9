import { unitFeatureMap } from '../../../src/main/features/backbones/feature-map'
import type { FeatureMap } from '../../../src/main/features/backbones/types'
import type { Mask } from '../../../src/main/images/rgb-image'
import { toWeakPerspective } from '../../../src/main/engine/camera/view-camera'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { rasterise } from '../../../src/main/engine/render/rasterise'
import type { TrainingData } from '../../../src/main/engine/train/training-data'
import { createTemplate } from '../../../src/main/engine/template/template'
import type { Template } from '../../../src/main/engine/template/template'

/**
 * A known object for the engine's tests: an icosphere ellipsoid whose vertices carry features
 * that vary from back to front and bottom to top and are mirror-symmetric, rendered with the
 * colleague's rasteriser into a 64 x 64 mask and a feature map of `grid` cells.
 */
export const OBJECT_ELLIPSOID = [0.3, 0.45, 0.9] as const
export const CHANNELS = 8

export interface SyntheticObject {
  template: Template
  positions: Float32Array
  features: Float64Array
}

/**
 * `egg` makes the front half longer and the back taller, so that silhouettes tell front from
 * back as an animal's do (an ellipsoid looks the same from opposite sides).
 */
export function syntheticObject(level = 3, egg = false): SyntheticObject {
  const template = createTemplate(level, OBJECT_ELLIPSOID)
  const n = template.vertexCount
  const positions = Float32Array.from(template.rest)
  if (egg) {
    for (let i = 0; i < n; i++) {
      const z = positions[3 * i + 2]!
      positions[3 * i + 2] = z > 0 ? 1.3 * z : 0.8 * z
      positions[3 * i + 1] = positions[3 * i + 1]! * (z < 0 ? 1.3 : 1)
    }
  }
  const features = new Float64Array(n * CHANNELS)
  for (let i = 0; i < n; i++) {
    const x = Math.abs(template.rest[3 * i]!) / OBJECT_ELLIPSOID[0]
    const y = template.rest[3 * i + 1]! / OBJECT_ELLIPSOID[1]
    const z = template.rest[3 * i + 2]! / OBJECT_ELLIPSOID[2]
    const f = [1 + z, 1 - z, 1 + y, 1 - y, z * z, y * y, x, 1 + Math.cos(3 * z)]
    features.set(f, i * CHANNELS)
  }
  return { template, positions, features }
}

export interface RenderedView {
  mask: Mask
  features: FeatureMap
}

const BACKGROUND = [0.2, 0.2, 0.2, 0.2, 1, 1, 0.1, 0.3]

export function renderView(object: SyntheticObject, camera: ArrayLike<number>, grid = 16, cropSize = 64): RenderedView {
  const cam = toWeakPerspective(camera)
  const { faces } = object.template
  const m = rasterise(object.positions, faces, cam, 64, 64, { barycentrics: false })
  const mask: Mask = { width: 64, height: 64, data: Uint8Array.from(m.faceId, (f) => (f >= 0 ? 1 : 0)) }
  const f = rasterise(object.positions, faces, cam, grid, grid)
  const values = new Float64Array(grid * grid * CHANNELS)
  for (let p = 0; p < grid * grid; p++) {
    const face = f.faceId[p]!
    for (let c = 0; c < CHANNELS; c++) {
      let v = BACKGROUND[c]!
      if (face >= 0) {
        v = 0
        for (let k = 0; k < 3; k++) v += f.barycentric![3 * p + k]! * object.features[faces[3 * face + k]! * CHANNELS + c]!
      }
      values[p * CHANNELS + c] = v
    }
  }
  return { mask, features: unitFeatureMap(values, 'hwc', CHANNELS, grid, grid, cropSize / grid) }
}

/** `count` views of `object` from seeded random azimuths, elevations 0.2-0.3, small roll and translation: the GPU engine's test images. */
export function randomViews(object: SyntheticObject, count: number, seed: number): TrainingData {
  const rng = new SeededRandom(seed)
  const images = Array.from({ length: count }, (_, k) => {
    const view = renderView(object, [(2 * rng.next() - 1) * Math.PI, 0.2 + 0.1 * rng.next(), 0.05 * rng.normal(), Math.log(0.55 + 0.1 * rng.next()), 0.1 * rng.normal(), 0.1 * rng.normal()])
    return { key: `view-${k}`, ...view }
  })
  return { images }
}
