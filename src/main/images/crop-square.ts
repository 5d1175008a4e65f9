import type { Mask, RgbImage } from './rgb-image'
import { assertRgbImage } from './rgb-image'

/** A box as SPair writes it: corners [x1, y1, x2, y2], width = x2 - x1. */
export type BBox = readonly [x1: number, y1: number, x2: number, y2: number]

/** [x, y], as the data sets' keypoints are written. */
export type Point = readonly [x: number, y: number]

/**
 * Maps points between an image and a square crop of it. Both use continuous pixel coordinates:
 * pixel (i, j) covers [i, i+1) x [j, j+1), so its centre is (i + 0.5, j + 0.5). The map is a
 * similarity without rotation: crop = (image - offset) * scale.
 */
export interface CropTransform {
  /** Side of the crop in pixels. */
  size: number
  /** Crop pixels per image pixel. */
  scale: number
  /** Image coordinates of the crop's top-left corner (may be negative: letterbox). */
  offsetX: number
  offsetY: number
  toCrop(p: Point): [number, number]
  toImage(p: Point): [number, number]
}

/**
 * ImageNet's mean colour: after mean/std normalisation it is close to zero, so a letterbox of it
 * gives a backbone almost no signal, where black would read as a hard dark edge.
 */
export const IMAGENET_MEAN_RGB: readonly [number, number, number] = [124, 116, 104]

export function makeCropTransform(size: number, scale: number, offsetX: number, offsetY: number): CropTransform {
  return {
    size,
    scale,
    offsetX,
    offsetY,
    toCrop: ([x, y]) => [(x - offsetX) * scale, (y - offsetY) * scale],
    toImage: ([x, y]) => [x / scale + offsetX, y / scale + offsetY],
  }
}

/**
 * The square around the box, grown by `marginFraction` of its longer side on every side
 * (0.1 -> the square's side is 1.2 x the longer side), centred on the box.
 */
export function squareCropTransform(bbox: BBox, marginFraction: number, size: number): CropTransform {
  const [x1, y1, x2, y2] = bbox
  if (![x1, y1, x2, y2].every(Number.isFinite) || x2 < x1 || y2 < y1) {
    throw new Error(`bbox must be finite [x1, y1, x2, y2] with x2 >= x1 and y2 >= y1, got [${bbox.join(', ')}]`)
  }
  const longer = Math.max(x2 - x1, y2 - y1)
  if (longer <= 0) throw new Error(`bbox [${bbox.join(', ')}] has zero size`)
  if (!(marginFraction >= 0)) throw new Error(`marginFraction must be >= 0, got ${marginFraction}`)
  if (!Number.isInteger(size) || size < 1) throw new Error(`crop size must be a positive integer, got ${size}`)
  const side = longer * (1 + 2 * marginFraction)
  return makeCropTransform(size, size / side, (x1 + x2) / 2 - side / 2, (y1 + y2) / 2 - side / 2)
}

/**
 * Resamples an interleaved 8-bit image into the crop. Bilinear between pixel centres; when the
 * crop shrinks the image, each crop pixel averages ceil(1/scale)^2 bilinear samples over its
 * footprint, so that fine texture does not alias into the features. Samples outside the image
 * take `pad`, so letterbox edges blend over one crop pixel instead of stepping.
 */
function resample(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  t: CropTransform,
  pad: readonly number[],
): Float32Array {
  const { size, scale, offsetX, offsetY } = t
  const out = new Float32Array(size * size * channels)
  const n = Math.max(1, Math.ceil(1 / scale - 1e-9))
  const acc = new Float64Array(channels)
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      acc.fill(0)
      for (let sy = 0; sy < n; sy++) {
        const y = (v + (sy + 0.5) / n) / scale + offsetY
        for (let sx = 0; sx < n; sx++) {
          const x = (u + (sx + 0.5) / n) / scale + offsetX
          if (x < 0 || y < 0 || x >= width || y >= height) {
            for (let c = 0; c < channels; c++) acc[c]! += pad[c]!
            continue
          }
          // Index coordinates of pixel centres, clamped so border pixels extend to the edge.
          const fx = Math.min(Math.max(x - 0.5, 0), width - 1)
          const fy = Math.min(Math.max(y - 0.5, 0), height - 1)
          const x0 = Math.floor(fx)
          const y0 = Math.floor(fy)
          const x1 = Math.min(x0 + 1, width - 1)
          const y1 = Math.min(y0 + 1, height - 1)
          const ax = fx - x0
          const ay = fy - y0
          const i00 = (y0 * width + x0) * channels
          const i01 = (y0 * width + x1) * channels
          const i10 = (y1 * width + x0) * channels
          const i11 = (y1 * width + x1) * channels
          for (let c = 0; c < channels; c++) {
            const top = src[i00 + c]! * (1 - ax) + src[i01 + c]! * ax
            const bottom = src[i10 + c]! * (1 - ax) + src[i11 + c]! * ax
            acc[c]! += top * (1 - ay) + bottom * ay
          }
        }
      }
      const o = (v * size + u) * channels
      for (let c = 0; c < channels; c++) out[o + c] = acc[c]! / (n * n)
    }
  }
  return out
}

export interface CropOptions {
  /** Letterbox colour, RGB 0..255; default IMAGENET_MEAN_RGB. */
  pad?: readonly [number, number, number]
}

/** Crops the box (with margin) to a `size` x `size` square, letterboxing where it leaves the image. */
export function cropSquare(
  image: RgbImage,
  bbox: BBox,
  marginFraction: number,
  size: number,
  options: CropOptions = {},
): { image: RgbImage; transform: CropTransform } {
  assertRgbImage(image)
  const transform = squareCropTransform(bbox, marginFraction, size)
  const values = resample(image.data, image.width, image.height, 3, transform, options.pad ?? IMAGENET_MEAN_RGB)
  const data = new Uint8Array(values.length)
  for (let i = 0; i < values.length; i++) data[i] = Math.round(values[i]!)
  return { image: { width: size, height: size, data }, transform }
}

/** The same crop for a mask: outside the image is background; a crop pixel is foreground when over half of it is. */
export function cropSquareMask(mask: Mask, bbox: BBox, marginFraction: number, size: number): { mask: Mask; transform: CropTransform } {
  if (mask.data.length !== mask.width * mask.height) {
    throw new Error(`mask: expected ${mask.width * mask.height} bytes for ${mask.width} x ${mask.height}, got ${mask.data.length}`)
  }
  const transform = squareCropTransform(bbox, marginFraction, size)
  const values = resample(mask.data, mask.width, mask.height, 1, transform, [0])
  const data = new Uint8Array(values.length)
  for (let i = 0; i < values.length; i++) data[i] = values[i]! > 0.5 ? 1 : 0
  return { mask: { width: size, height: size, data }, transform }
}
