import type { RgbImage } from '../../images/rgb-image'
import type { IntegralImage } from './integral-image'
import { boxSum, integralImage } from './integral-image'
import { rgbToLab } from './lab-colour'

export const ORIENTATION_BINS = 8
/** Window sides in input pixels; each is pooled at the output cells' centres. */
export const CELL_SIZES = [8, 16, 32] as const
/** 2 x 2 sub-windows per window keep where in the window an edge lies, as SIFT's 4 x 4 do. */
const SUB = 2
const GRADIENT_DIMS = SUB * SUB * ORIENTATION_BINS
export const HANDMADE_CHANNELS = CELL_SIZES.length * (GRADIENT_DIMS + 3)
/**
 * Added to a gradient block's norm, in L units per pixel of window: a flat or noise-only window
 * (JPEG noise is about 0.5 L) then gives a short vector instead of amplified noise.
 */
const FLAT_GRADIENT = 1
/**
 * Colour against gradients: colour alone mismatches parts that share a coat, gradients alone
 * ignore it; 0.5 lets edges lead and colour break ties.
 */
const COLOUR_WEIGHT = 0.5

/** Box-averages a plane by 2 per side: the next octave, so coarse windows see coarse edges. */
function halve(plane: Float32Array, width: number, height: number): { plane: Float32Array; width: number; height: number } {
  const w = Math.floor(width / 2)
  const h = Math.floor(height / 2)
  const out = new Float32Array(w * h)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = 2 * y * width + 2 * x
      out[y * w + x] = (plane[i]! + plane[i + 1]! + plane[i + width]! + plane[i + width + 1]!) / 4
    }
  }
  return { plane: out, width: w, height: h }
}

/**
 * Per-pixel gradient magnitude split over 8 unsigned orientation bins (0..180 degrees: the same
 * part seen against a lighter or a darker background keeps its edge's bin), each pixel shared
 * linearly between its two nearest bins so that a small rotation changes the histogram smoothly.
 */
function orientationIntegrals(plane: Float32Array, width: number, height: number): IntegralImage[] {
  const bins = Array.from({ length: ORIENTATION_BINS }, () => new Float32Array(width * height))
  const binWidth = Math.PI / ORIENTATION_BINS
  for (let y = 0; y < height; y++) {
    const up = Math.max(0, y - 1)
    const down = Math.min(height - 1, y + 1)
    for (let x = 0; x < width; x++) {
      const left = Math.max(0, x - 1)
      const right = Math.min(width - 1, x + 1)
      const gx = (plane[y * width + right]! - plane[y * width + left]!) / 2
      const gy = (plane[down * width + x]! - plane[up * width + x]!) / 2
      const mag = Math.hypot(gx, gy)
      if (mag === 0) continue
      let theta = Math.atan2(gy, gx)
      if (theta < 0) theta += Math.PI
      const pos = theta / binWidth - 0.5
      const lo = Math.floor(pos)
      const w = pos - lo
      bins[(lo + ORIENTATION_BINS) % ORIENTATION_BINS]![y * width + x] = mag * (1 - w)
      bins[(lo + 1) % ORIENTATION_BINS]![y * width + x] = mag * w
    }
  }
  return bins.map((b) => integralImage(b, width, height))
}

/**
 * A dense hand-made descriptor, cell-major (grid x grid x HANDMADE_CHANNELS), not normalised:
 * per window size, 2 x 2 sub-window orientation histograms (norm-damped) and the window's mean
 * CIELAB colour, sampled at the centres of a grid x grid tiling of the image.
 */
export function handmadeDescriptor(image: RgbImage, grid: number): Float32Array {
  const { width, height } = image
  const lab = rgbToLab(image)
  const colour = [lab.L, lab.a, lab.b].map((p) => integralImage(p, width, height))
  const out = new Float32Array(grid * grid * HANDMADE_CHANNELS)
  const strideX = width / grid
  const strideY = height / grid

  let level = { plane: lab.L, width, height }
  CELL_SIZES.forEach((cell, k) => {
    if (k > 0) level = halve(level.plane, level.width, level.height)
    const scale = 2 ** k
    const hists = orientationIntegrals(level.plane, level.width, level.height)
    const side = cell / scale
    const sub = side / SUB
    const gradientOffset = k * GRADIENT_DIMS
    const colourOffset = CELL_SIZES.length * GRADIENT_DIMS + k * 3
    for (let i = 0; i < grid; i++) {
      for (let j = 0; j < grid; j++) {
        const o = (i * grid + j) * HANDMADE_CHANNELS
        // Window corner at this octave, rounded to whole pixels there.
        const x0 = Math.round(((j + 0.5) * strideX) / scale - side / 2)
        const y0 = Math.round(((i + 0.5) * strideY) / scale - side / 2)
        let norm = 0
        for (let sy = 0; sy < SUB; sy++) {
          for (let sx = 0; sx < SUB; sx++) {
            const bx = x0 + sx * sub
            const by = y0 + sy * sub
            for (let bin = 0; bin < ORIENTATION_BINS; bin++) {
              const v = boxSum(hists[bin]!, bx, by, bx + sub, by + sub).sum
              out[o + gradientOffset + (sy * SUB + sx) * ORIENTATION_BINS + bin] = v
              norm += v * v
            }
          }
        }
        const damp = 1 / (Math.sqrt(norm) + FLAT_GRADIENT * side * side)
        for (let d = 0; d < GRADIENT_DIMS; d++) out[o + gradientOffset + d]! *= damp

        const cx0 = Math.round((j + 0.5) * strideX - cell / 2)
        const cy0 = Math.round((i + 0.5) * strideY - cell / 2)
        const sums = colour.map((ii) => boxSum(ii, cx0, cy0, cx0 + cell, cy0 + cell))
        const area = Math.max(1, sums[0]!.area)
        out[o + colourOffset] = (COLOUR_WEIGHT * (sums[0]!.sum / area - 50)) / 50
        out[o + colourOffset + 1] = (COLOUR_WEIGHT * sums[1]!.sum) / area / 50
        out[o + colourOffset + 2] = (COLOUR_WEIGHT * sums[2]!.sum) / area / 50
      }
    }
  })
  return out
}
