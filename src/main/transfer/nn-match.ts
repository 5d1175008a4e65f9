import type { FeatureMap } from '../features/backbones/types'

export interface NnMatchOptions {
  /** Search only inside [x1, y1, x2, y2] of the target crop (pixels); default the whole crop. */
  region?: readonly [number, number, number, number]
  /** Similarity evaluated this many times per cell and axis, by bilinear interpolation (default 4). */
  upsample?: number
  /**
   * Sub-pixel refinement: the softmax-weighted mean position (temperature `softTemperature`) of
   * the fine positions within this many cells of the argmax. 0 = plain argmax (default).
   */
  softWindow?: number
  softTemperature?: number
}

/** Grid coordinates of a crop point: cell (i, j) is centred at ((j + 0.5) s, (i + 0.5) s). */
const toGrid = (p: number, stride: number): number => p / stride - 0.5

interface Corners {
  i0: number
  i1: number
  j0: number
  j1: number
  fu: number
  fv: number
}

/** The four cells around grid point (u, v) (clamped to the grid) and the weights between them. */
function corners(u: number, v: number, w: number, h: number): Corners {
  const uc = Math.min(Math.max(u, 0), w - 1)
  const vc = Math.min(Math.max(v, 0), h - 1)
  const j0 = Math.min(Math.floor(uc), Math.max(w - 2, 0))
  const i0 = Math.min(Math.floor(vc), Math.max(h - 2, 0))
  return { i0, i1: Math.min(i0 + 1, h - 1), j0, j1: Math.min(j0 + 1, w - 1), fu: uc - j0, fv: vc - i0 }
}

function bilinear(plane: Float32Array, offset: number, w: number, c: Corners): number {
  const top = plane[offset + c.i0 * w + c.j0]! * (1 - c.fu) + plane[offset + c.i0 * w + c.j1]! * c.fu
  const bottom = plane[offset + c.i1 * w + c.j0]! * (1 - c.fu) + plane[offset + c.i1 * w + c.j1]! * c.fu
  return top * (1 - c.fv) + bottom * c.fv
}

/** The unit feature vector at a crop point, bilinear between the four nearest cell centres. */
export function sampleFeature(map: FeatureMap, x: number, y: number): Float32Array {
  const { channels: C, height: h, width: w, data } = map
  const at = corners(toGrid(x, map.stride), toGrid(y, map.stride), w, h)
  const out = new Float32Array(C)
  let norm = 0
  for (let c = 0; c < C; c++) {
    const value = bilinear(data, c * h * w, w, at)
    out[c] = value
    norm += value * value
  }
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0
  for (let c = 0; c < C; c++) out[c]! *= inv
  return out
}

/** Cosine similarity of `query` to every cell of `map` (cells are unit vectors): h x w. */
export function similarityMap(map: FeatureMap, query: Float32Array): Float32Array {
  const { channels: C, height: h, width: w, data } = map
  const n = h * w
  const out = new Float32Array(n)
  for (let c = 0; c < C; c++) {
    const q = query[c]!
    if (q === 0) continue
    const base = c * n
    for (let k = 0; k < n; k++) out[k]! += q * data[base + k]!
  }
  return out
}

/**
 * Nearest neighbour of each source point in the target's feature map, at sub-cell resolution:
 * the zero-shot 2-D baseline (DINO-style). Points are crop pixels in, crop pixels out.
 */
export function nnMatch(
  src: FeatureMap,
  srcPoints: readonly (readonly [number, number])[],
  trg: FeatureMap,
  options: NnMatchOptions = {},
): [number, number][] {
  const k = options.upsample ?? 4
  const { height: h, width: w, stride } = trg
  const fine = stride / k
  const cropW = w * stride
  const cropH = h * stride
  const [rx1, ry1, rx2, ry2] = options.region ?? [0, 0, cropW, cropH]
  // Fine sample a covers crop x in [a * fine, (a + 1) * fine); its centre is tested.
  const a0 = Math.max(0, Math.floor(rx1 / fine))
  const a1 = Math.min(w * k - 1, Math.ceil(rx2 / fine) - 1)
  const b0 = Math.max(0, Math.floor(ry1 / fine))
  const b1 = Math.min(h * k - 1, Math.ceil(ry2 / fine) - 1)
  // The interpolation corners of every fine sample, shared by all source points.
  const cells: Corners[][] = []
  for (let b = b0; b <= b1; b++) {
    const row: Corners[] = []
    for (let a = a0; a <= a1; a++) row.push(corners(toGrid((a + 0.5) * fine, stride), toGrid((b + 0.5) * fine, stride), w, h))
    cells.push(row)
  }

  return srcPoints.map(([x, y]) => {
    const sim = similarityMap(trg, sampleFeature(src, x, y))
    const at = (a: number, b: number): number => bilinear(sim, 0, w, cells[b - b0]![a - a0]!)
    let best = Number.NEGATIVE_INFINITY
    let ba = a0
    let bb = b0
    for (let b = b0; b <= b1; b++) {
      for (let a = a0; a <= a1; a++) {
        const s = at(a, b)
        if (s > best) {
          best = s
          ba = a
          bb = b
        }
      }
    }
    const window = Math.round((options.softWindow ?? 0) * k)
    if (window <= 0) return [(ba + 0.5) * fine, (bb + 0.5) * fine]
    const t = options.softTemperature ?? 0.02
    let sw = 0
    let sx = 0
    let sy = 0
    for (let b = Math.max(b0, bb - window); b <= Math.min(b1, bb + window); b++) {
      for (let a = Math.max(a0, ba - window); a <= Math.min(a1, ba + window); a++) {
        const weight = Math.exp((at(a, b) - best) / t)
        sw += weight
        sx += weight * (a + 0.5) * fine
        sy += weight * (b + 0.5) * fine
      }
    }
    return [sx / sw, sy / sw]
  })
}
