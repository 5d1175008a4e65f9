/**
 * Bilinear lookup on a w x h grid of cell-centred samples, addressed in the crop's normalised
 * coordinates ([-1, 1] across the crop, cell (i, j) centred at ((j + 0.5) / w * 2 - 1, ...)).
 * Clamping follows transfer/nn-match's interpolation exactly (clamp to the outer cell centres,
 * the last interval reused at the far edge), so a feature read here equals the one the 2-D
 * matcher reads at the same crop pixel.
 */
export interface GridPoint {
  /** Cell indices (row-major i * w + j) of the four corners: top-left, top-right, bottom-left, bottom-right. */
  c00: number
  c01: number
  c10: number
  c11: number
  /** Interpolation weights along x and y. */
  fx: number
  fy: number
  /** d fx / d x and d fy / d y in normalised coordinates; 0 where the point is clamped. */
  dfx: number
  dfy: number
}

export function createGridPoint(): GridPoint {
  return { c00: 0, c01: 0, c10: 0, c11: 0, fx: 0, fy: 0, dfx: 0, dfy: 0 }
}

/** Fills `out` for normalised point (x, y) on a w x h grid. */
export function locate(x: number, y: number, w: number, h: number, out: GridPoint): GridPoint {
  const u = ((x + 1) / 2) * w - 0.5
  const v = ((y + 1) / 2) * h - 0.5
  const uc = Math.min(Math.max(u, 0), w - 1)
  const vc = Math.min(Math.max(v, 0), h - 1)
  const j0 = Math.min(Math.floor(uc), Math.max(w - 2, 0))
  const i0 = Math.min(Math.floor(vc), Math.max(h - 2, 0))
  const j1 = Math.min(j0 + 1, w - 1)
  const i1 = Math.min(i0 + 1, h - 1)
  out.c00 = i0 * w + j0
  out.c01 = i0 * w + j1
  out.c10 = i1 * w + j0
  out.c11 = i1 * w + j1
  out.fx = uc - j0
  out.fy = vc - i0
  out.dfx = u > 0 && u < w - 1 ? w / 2 : 0
  out.dfy = v > 0 && v < h - 1 ? h / 2 : 0
  return out
}

/** Value of a scalar grid at a located point. */
export function sampleScalar(map: ArrayLike<number>, g: GridPoint): number {
  const top = map[g.c00]! + g.fx * (map[g.c01]! - map[g.c00]!)
  const bottom = map[g.c10]! + g.fx * (map[g.c11]! - map[g.c10]!)
  return top + g.fy * (bottom - top)
}

/** d value / dx and d value / dy of a scalar grid at a located point. */
export function scalarGradient(map: ArrayLike<number>, g: GridPoint): [number, number] {
  const m00 = map[g.c00]!
  const m01 = map[g.c01]!
  const m10 = map[g.c10]!
  const m11 = map[g.c11]!
  return [
    g.dfx * ((1 - g.fy) * (m01 - m00) + g.fy * (m11 - m10)),
    g.dfy * ((1 - g.fx) * (m10 - m00) + g.fx * (m11 - m01)),
  ]
}
