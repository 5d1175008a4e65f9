import type { FeatureMap } from '../../features/backbones/types'
import { rgbToLab } from '../../features/backbones/lab-colour'
import type { RgbImage } from '../../images/rgb-image'

/**
 * Side of the square colour crop an image carries for the appearance term: finer than the
 * backbones' grids (17-20 cells), so every cell averages several pixels, and small enough
 * (12 KiB) to hand to a helper thread with the mask.
 */
export const COLOUR_SIZE = 64

/** Lab units per standardised unit: about one spread of natural images' lightness and chroma. */
const LAB_SCALE = 25
/** Mid-grey lightness: L is centred on it, a and b on neutral. */
const L_CENTRE = 50
export const COLOUR_CHANNELS = 3

/**
 * The crop's colour averaged onto a `width` x `height` grid (channel-major, as FeatureMap holds
 * it): each colour pixel falls in the cell its centre lies in, over the same square crop the
 * features cover. Lab, standardised ((L - 50) / 25, a / 25, b / 25) and divided by sqrt(3),
 * so that a colour one spread from grey has about unit norm.
 */
export function colourGrid(colour: RgbImage, width: number, height: number): Float32Array {
  const { L, a, b } = rgbToLab(colour)
  const sums = new Float64Array(COLOUR_CHANNELS * width * height)
  const counts = new Float64Array(width * height)
  for (let y = 0; y < colour.height; y++) {
    const i = Math.min(height - 1, Math.floor(((y + 0.5) / colour.height) * height))
    for (let x = 0; x < colour.width; x++) {
      const j = Math.min(width - 1, Math.floor(((x + 0.5) / colour.width) * width))
      const p = y * colour.width + x
      const cell = i * width + j
      sums[cell]! += L[p]! - L_CENTRE
      sums[width * height + cell]! += a[p]!
      sums[2 * width * height + cell]! += b[p]!
      counts[cell]!++
    }
  }
  const out = new Float32Array(sums.length)
  const unit = LAB_SCALE * Math.sqrt(COLOUR_CHANNELS)
  for (let c = 0; c < COLOUR_CHANNELS; c++) {
    for (let cell = 0; cell < width * height; cell++) {
      // A grid finer than the crop leaves cells with no pixel: they read as grey.
      const n = counts[cell]!
      out[c * width * height + cell] = n > 0 ? sums[c * width * height + cell]! / n / unit : 0
    }
  }
  return out
}

/** Root mean square of the per-cell feature vectors' norms: the map's own feature scale. */
function featureScale(map: FeatureMap): number {
  let s = 0
  for (let k = 0; k < map.data.length; k++) s += map.data[k]! ** 2
  return Math.sqrt(s / (map.width * map.height))
}

/**
 * `features` (the model's, after the PCA) with the image's colour appended as three channels at
 * weight `weight`: colourGrid scaled by sqrt(weight) times the map's feature scale, so that the
 * weight says how much colour counts against the features in the cosine of the feature term,
 * whatever the backbone's units. Weight 0 returns the map itself.
 */
export function withAppearance(features: FeatureMap, colour: RgbImage | undefined, weight: number, what = 'image'): FeatureMap {
  if (weight === 0) return features
  if (!colour) throw new RangeError(`${what}: the model's appearance term (weight ${weight}) needs the image's colour crop, and none was given`)
  const { width: w, height: h, channels: C } = features
  const grid = colourGrid(colour, w, h)
  const scale = Math.sqrt(weight) * featureScale(features)
  const data = new Float32Array((C + COLOUR_CHANNELS) * w * h)
  data.set(features.data.subarray(0, C * w * h))
  for (let k = 0; k < grid.length; k++) data[C * w * h + k] = grid[k]! * scale
  return { ...features, channels: C + COLOUR_CHANNELS, data }
}
