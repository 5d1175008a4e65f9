import type { FeatureMap } from '../../features/backbones/types'
import { cropSquareMask } from '../../images/crop-square'
import type { Mask } from '../../images/rgb-image'
import { distanceToForeground } from './distance-transform'

/** Side of the mask grid the silhouette losses read (METHOD §9: masks at 64 x 64). */
export const MASK_SIZE = 64

/**
 * One image as the losses read it, all in the crop's normalised coordinates ([-1, 1] across the
 * square crop that both the mask and the feature map cover).
 */
export interface ViewTarget {
  /** Crop pixels across the crop (feature width x stride), to answer in crop pixels. */
  cropSize: number
  maskSize: number
  /**
   * Distance from each mask pixel centre to the foreground, in mask pixels: to the nearest
   * foreground centre less half a pixel (a foreground pixel covers half a pixel around its
   * centre), so that a vertex on the true outline is not pulled inward.
   */
  distance: Float64Array
  /** Normalised centres of the foreground pixels, xy pairs. */
  foreground: Float64Array
  /** Normalised box around the foreground: x1, y1, x2, y2. */
  box: [number, number, number, number]
  gridWidth: number
  gridHeight: number
  channels: number
  /** Features cell-major ((i * w + j) * C + c), so one cell's vector is contiguous. */
  cells: Float32Array
}

/** Resamples a crop mask to `size` x `size` (a pixel is foreground when over half of it is). */
export function maskAtSize(mask: Mask, size: number): Mask {
  if (mask.width === size && mask.height === size) return mask
  return cropSquareMask(mask, [0, 0, mask.width, mask.height], 0, size).mask
}

export function viewTarget(features: FeatureMap, mask: Mask, what = 'image'): ViewTarget {
  const m = maskAtSize(mask, MASK_SIZE)
  const M = MASK_SIZE
  const fg: number[] = []
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity]
  for (let y = 0; y < M; y++) {
    for (let x = 0; x < M; x++) {
      if (!m.data[y * M + x]) continue
      const nx = ((x + 0.5) / M) * 2 - 1
      const ny = ((y + 0.5) / M) * 2 - 1
      fg.push(nx, ny)
      x1 = Math.min(x1, nx)
      y1 = Math.min(y1, ny)
      x2 = Math.max(x2, nx)
      y2 = Math.max(y2, ny)
    }
  }
  if (fg.length === 0) throw new Error(`${what}: the mask has no foreground at ${M} x ${M}`)
  const distance = distanceToForeground(m.data, M, M)
  for (let p = 0; p < distance.length; p++) distance[p] = Math.max(0, distance[p]! - 0.5)
  const { channels: C, height: h, width: w, data } = features
  const cells = new Float32Array(C * h * w)
  for (let c = 0; c < C; c++) for (let p = 0; p < h * w; p++) cells[p * C + c] = data[c * h * w + p]!
  return {
    cropSize: w * features.stride,
    maskSize: M,
    distance,
    foreground: Float64Array.from(fg),
    box: [x1, y1, x2, y2],
    gridWidth: w,
    gridHeight: h,
    channels: C,
    cells,
  }
}
