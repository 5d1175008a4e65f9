import { surfaceAt } from '../render/buffers'
import type { SurfaceHit } from '../render/buffers'
import { rasterise } from '../render/rasterise'
import type { MeshFit } from '../infer/fit-image'

export interface MeshTransferOptions {
  /**
   * 'face' (default, METHOD §6): the surface point under the source keypoint (the rasterised
   * face and its barycentric weights), projected by the target fit; the nearest visible
   * projected vertex where no face is hit. 'idw' (METHOD §9's probe): the 3 visible projected
   * vertices nearest the keypoint, inverse-distance weights, the same weights on the target's
   * projections.
   */
  method?: 'face' | 'idw'
  /** Side of the source raster in pixels (default: the crop size, i.e. one raster pixel per crop pixel). */
  rasterSize?: number
}

type Xy = readonly [number, number]

/**
 * Keypoint transfer through the mesh: source crop pixels in, target crop pixels out (null only
 * when the source fit has no visible vertex to fall back on). Both fits must come from the same
 * category model, so vertex i is the same surface point in both.
 */
export function meshTransfer(src: MeshFit, trg: MeshFit, srcPoints: readonly Xy[], options: MeshTransferOptions = {}): ([number, number] | null)[] {
  return meshTransferWithSupport(src, trg, srcPoints, options).map((t) => t.point)
}

/** A transferred point and what supports it, for gating a method that trusts the mesh only where the fit does. */
export interface SupportedTransfer {
  point: [number, number] | null
  /** The source keypoint lies on the source fit's rendered surface (not a nearest-vertex fallback off the mesh). */
  onSurface: boolean
  /** Share of the surface point's vertices (weighted as it is) visible in the target fit: 0 when it lands on a hidden side. */
  targetVisible: number
}

/** meshTransfer with each answer's support (see SupportedTransfer). */
export function meshTransferWithSupport(src: MeshFit, trg: MeshFit, srcPoints: readonly Xy[], options: MeshTransferOptions = {}): SupportedTransfer[] {
  if ((options.method ?? 'face') === 'idw') {
    sameTemplate(src, trg)
    return srcPoints.map((p) => offSurface(src, trg, p, 3))
  }
  return transferHits(src, trg, srcPoints, surfaceUnder(src, srcPoints, options.rasterSize))
}

/**
 * Face transfer under every pairing of several fits of the source with several of the target
 * (e.g. each image's best camera hypotheses): per source point, the target points of all
 * pairings, source fit by source fit (none where a pairing has no answer). Each source fit's
 * surface is rasterised once.
 */
export function meshTransferPairings(srcFits: readonly MeshFit[], trgFits: readonly MeshFit[], srcPoints: readonly Xy[]): [number, number][][] {
  const out = srcPoints.map((): [number, number][] => [])
  for (const src of srcFits) {
    const hits = surfaceUnder(src, srcPoints)
    for (const trg of trgFits) {
      transferHits(src, trg, srcPoints, hits).forEach((t, n) => {
        if (t.point) out[n]!.push(t.point)
      })
    }
  }
  return out
}

function sameTemplate(src: MeshFit, trg: MeshFit): void {
  if (src.vertices.length !== trg.vertices.length) throw new RangeError('meshTransfer: the fits come from different templates')
}

/** Off the source's surface: its k visible vertices nearest the point, inverse-distance weighted, read in the target. */
function offSurface(src: MeshFit, trg: MeshFit, p: Xy, k: number): SupportedTransfer {
  const nearest = nearestVisible(src, p, k)
  return { point: inverseDistance(trg, nearest), onSurface: false, targetVisible: visibleShare(trg, nearest.map(({ i, d }) => [i, 1 / Math.max(d, 1e-9)])) }
}

/** Face transfer given the source surface under each point (surfaceUnder). */
function transferHits(src: MeshFit, trg: MeshFit, srcPoints: readonly Xy[], hits: readonly (SurfaceHit | null)[]): SupportedTransfer[] {
  sameTemplate(src, trg)
  return srcPoints.map((p, n) => {
    const hit = hits[n]
    if (!hit) return offSurface(src, trg, p, 1)
    let tx = 0
    let ty = 0
    const corners: [number, number][] = []
    for (let k = 0; k < 3; k++) {
      const v = src.faces[3 * hit.faceId + k]!
      tx += hit.barycentric[k]! * trg.projected[2 * v]!
      ty += hit.barycentric[k]! * trg.projected[2 * v + 1]!
      corners.push([v, hit.barycentric[k]!])
    }
    return { point: [tx, ty], onSurface: true, targetVisible: visibleShare(trg, corners) }
  })
}

/** Weighted share of vertices visible in a fit (0 for no vertices). */
function visibleShare(fit: MeshFit, weighted: readonly (readonly [number, number])[]): number {
  let seen = 0
  let all = 0
  for (const [v, w] of weighted) {
    all += w
    if (fit.visible[v]) seen += w
  }
  return all > 0 ? seen / all : 0
}

/** The surface point of a fit under each crop point (rasterised face and barycentric weights), null off the mesh. */
export function surfaceUnder(fit: MeshFit, points: readonly Xy[], rasterSize?: number): (SurfaceHit | null)[] {
  const size = rasterSize ?? Math.max(1, Math.round(fit.cropSize))
  const buffers = rasterise(fit.vertices, fit.faces, fit.camera, size, size)
  const toRaster = size / fit.cropSize
  return points.map(([x, y]) => surfaceAt(buffers, x * toRaster, y * toRaster))
}

/**
 * The vertex each crop point lands on: of the face under it, the corner with the largest
 * barycentric weight; off the mesh, the nearest visible projected vertex (null when none is visible).
 */
export function vertexUnder(fit: MeshFit, points: readonly Xy[]): (number | null)[] {
  const hits = surfaceUnder(fit, points)
  return points.map((p, n) => {
    const hit = hits[n]
    if (!hit) return nearestVisible(fit, p, 1)[0]?.i ?? null
    const b = hit.barycentric
    const k = b[0] >= b[1] && b[0] >= b[2] ? 0 : b[1] >= b[2] ? 1 : 2
    return fit.faces[3 * hit.faceId + k]!
  })
}

/** The k visible vertices of a fit whose projections are nearest p, nearest first. */
function nearestVisible(fit: MeshFit, [x, y]: Xy, k: number): { i: number; d: number }[] {
  const nearest: { i: number; d: number }[] = []
  for (let i = 0; i < fit.visible.length; i++) {
    if (!fit.visible[i]) continue
    const d = Math.hypot(fit.projected[2 * i]! - x, fit.projected[2 * i + 1]! - y)
    if (nearest.length < k || d < nearest[nearest.length - 1]!.d) {
      nearest.push({ i, d })
      nearest.sort((a, b) => a.d - b.d)
      if (nearest.length > k) nearest.pop()
    }
  }
  return nearest
}

/** Visible source vertices (nearest a keypoint first), weighted by inverse distance, read in the target (null when there are none). */
function inverseDistance(trg: MeshFit, nearest: readonly { i: number; d: number }[]): [number, number] | null {
  if (nearest.length === 0) return null
  // A keypoint on a vertex takes that vertex exactly.
  if (nearest[0]!.d < 1e-9) return [trg.projected[2 * nearest[0]!.i]!, trg.projected[2 * nearest[0]!.i + 1]!]
  let sw = 0
  let tx = 0
  let ty = 0
  for (const { i, d } of nearest) {
    const w = 1 / d
    sw += w
    tx += w * trg.projected[2 * i]!
    ty += w * trg.projected[2 * i + 1]!
  }
  return [tx / sw, ty / sw]
}
