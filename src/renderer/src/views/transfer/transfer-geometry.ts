import type { Bbox, Point } from '../../../../shared/ipc/channels/datasets'
import type { Heatmap } from '../../../../shared/ipc/channels/transfer'
import { cellSize } from '../../../../shared/heatmap-cells'
import { rampColour } from '../../lib/colour-ramp'
import type { Rgb } from '../../lib/colour-ramp'
import type { View } from '../image/view-transform'

export { cellCentre, cellSize, peakCell } from '../../../../shared/heatmap-cells'

/**
 * Three frames meet in the Transfer view: screen pixels of a stage, original image pixels (what
 * the services and the annotations use), and a similarity map's cells over the target's square
 * feature crop. These are the only conversions between them.
 */

/** Image pixels -> stage screen pixels. */
export function toScreen(view: View, p: Point): Point {
  return [p[0] * view.s + view.tx, p[1] * view.s + view.ty]
}

/** Stage screen pixels -> image pixels (unclamped). */
export function toImagePoint(view: View, sx: number, sy: number): Point {
  return [(sx - view.tx) / view.s, (sy - view.ty) / view.s]
}

/** The cell under an image point, or null outside the crop. */
export function cellAt(map: Pick<Heatmap, 'width' | 'height' | 'crop'>, p: Point): number | null {
  const c = cellSize(map)
  const col = Math.floor((p[0] - map.crop.x) / c)
  const row = Math.floor((p[1] - map.crop.y) / c)
  if (col < 0 || row < 0 || col >= map.width || row >= map.height || !Number.isFinite(c)) return null
  return row * map.width + col
}

/** Where the map's canvas goes in image pixels (the crop may reach past the image: padding). */
export function heatmapBox(map: Pick<Heatmap, 'width' | 'height' | 'crop'>): { left: number; top: number; width: number; height: number } {
  const c = cellSize(map)
  return { left: map.crop.x, top: map.crop.y, width: map.width * c, height: map.height * c }
}

// A short "inferno"-like ramp (dark purple -> red -> yellow): readable over photos, colour-blind safe.
const INFERNO: readonly Rgb[] = [
  [0, 0, 4],
  [87, 16, 110],
  [188, 55, 84],
  [249, 142, 9],
  [252, 255, 164],
]

/**
 * RGBA pixels of a similarity map, one per cell: normalised to the map's own min..max (cosine
 * similarities of different backbones live in different ranges), low similarity nearly
 * transparent so that the target stays visible, the peak opaque. Non-finite cells are clear.
 */
export function heatmapRgba(values: readonly number[], maxAlpha = 200): Uint8ClampedArray<ArrayBuffer> {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (!Number.isFinite(v)) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  const span = hi > lo ? hi - lo : 1
  const out = new Uint8ClampedArray(values.length * 4)
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return
    const t = hi > lo ? (v - lo) / span : 1
    const [r, g, b] = rampColour(INFERNO, t).map(Math.round) as [number, number, number]
    out[i * 4] = r
    out[i * 4 + 1] = g
    out[i * 4 + 2] = b
    out[i * 4 + 3] = Math.round(maxAlpha * (0.06 + 0.94 * t * t))
  })
  return out
}

/** The keypoint row nearest to p within `radius` image pixels, or null. */
export function nearestKeypoint(p: Point, kps: readonly (Point | null)[], radius: number): number | null {
  let best: number | null = null
  let d = radius
  kps.forEach((k, i) => {
    if (!k) return
    const dk = Math.hypot(k[0] - p[0], k[1] - p[1])
    if (dk <= d) {
      d = dk
      best = i
    }
  })
  return best
}

/**
 * T of SPair's PCK (METHOD §7): max side of the target box, or of the image where the pair has no
 * usable box; the radius of the correct region at alpha is alpha * T.
 */
export function pckThreshold(bbox: Bbox | null, imageSize: readonly [number, number]): number {
  const side = bbox ? Math.max(bbox[2] - bbox[0], bbox[3] - bbox[1]) : NaN
  return Number.isFinite(side) && side > 0 ? side : Math.max(imageSize[0], imageSize[1])
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1])
}
