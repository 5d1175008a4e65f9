import type { ViewTarget } from './view-target'
import { backProject, projectView } from './view-loss'
import type { ViewGrads, ViewShape } from './view-loss'

/**
 * The blur of the silhouettes' outlines, in squared mask pixels: a pixel a distance d outside
 * is covered exp(-d^2 / SIGMA) (0.37 at one pixel, 0.02 at two), so the mesh's outline pulls on
 * the mask pixels next to it and no further.
 */
export const SOFT_SILHOUETTE_SIGMA = 1
/** A face's pixels end where its coverage falls under 1e-4: d^2 > SIGMA ln(1e4). */
const REACH2 = SOFT_SILHOUETTE_SIGMA * Math.log(1e4)
const REACH = Math.sqrt(REACH2)

/** Squared distance from (qx, qy) to segment ab and where on it the nearest point is (t in [0, 1]). */
function segment(qx: number, qy: number, ax: number, ay: number, bx: number, by: number, out: { d2: number; t: number }): void {
  const ex = bx - ax
  const ey = by - ay
  const len2 = ex * ex + ey * ey
  let t = len2 > 0 ? ((qx - ax) * ex + (qy - ay) * ey) / len2 : 0
  t = Math.min(Math.max(t, 0), 1)
  const dx = qx - (ax + t * ex)
  const dy = qy - (ay + t * ey)
  out.d2 = dx * dx + dy * dy
  out.t = t
}

/**
 * Visits every (face, pixel) pair near enough to matter: pixels inside the triangle (d2 = 0),
 * and pixels outside within REACH of it with their squared distance d2, the nearest edge (0:
 * v0v1, 1: v1v2, 2: v2v0) and the position t on it. Pixel centres are at (i + 0.5) in mask pixels.
 */
function eachCoverage(u: Float64Array, faces: Uint32Array, M: number, visit: (f: number, pixel: number, d2: number, edge: number, t: number) => void): void {
  const seg = { d2: 0, t: 0 }
  for (let f = 0; f < faces.length / 3; f++) {
    const a = faces[3 * f]!
    const b = faces[3 * f + 1]!
    const c = faces[3 * f + 2]!
    const ax = u[2 * a]!
    const ay = u[2 * a + 1]!
    const bx = u[2 * b]!
    const by = u[2 * b + 1]!
    const cx = u[2 * c]!
    const cy = u[2 * c + 1]!
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    const x0 = Math.max(0, Math.ceil(Math.min(ax, bx, cx) - REACH - 0.5))
    const x1 = Math.min(M - 1, Math.floor(Math.max(ax, bx, cx) + REACH - 0.5))
    const y0 = Math.max(0, Math.ceil(Math.min(ay, by, cy) - REACH - 0.5))
    const y1 = Math.min(M - 1, Math.floor(Math.max(ay, by, cy) + REACH - 0.5))
    for (let j = y0; j <= y1; j++) {
      const qy = j + 0.5
      for (let i = x0; i <= x1; i++) {
        const qx = i + 0.5
        let best = Infinity
        let edge = 0
        let t = 0
        segment(qx, qy, ax, ay, bx, by, seg)
        if (seg.d2 < best) [best, edge, t] = [seg.d2, 0, seg.t]
        segment(qx, qy, bx, by, cx, cy, seg)
        if (seg.d2 < best) [best, edge, t] = [seg.d2, 1, seg.t]
        segment(qx, qy, cx, cy, ax, ay, seg)
        if (seg.d2 < best) [best, edge, t] = [seg.d2, 2, seg.t]
        // Inside: on the same side of all three edges as the triangle's own winding (either winding).
        const e0 = (bx - ax) * (qy - ay) - (by - ay) * (qx - ax)
        const e1 = (cx - bx) * (qy - by) - (cy - by) * (qx - bx)
        const e2 = (ax - cx) * (qy - cy) - (ay - cy) * (qx - cx)
        const inside = area !== 0 && (area > 0 ? e0 >= 0 && e1 >= 0 && e2 >= 0 : e0 <= 0 && e1 <= 0 && e2 <= 0)
        if (inside || best < 1e-12) visit(f, j * M + i, 0, edge, t)
        else if (best <= REACH2) visit(f, j * M + i, best, edge, t)
      }
    }
  }
}

export interface SoftSilhouette {
  /** Squared difference of the blurred silhouette and the blurred mask, over the blurred mask's area. */
  loss: number
  /** The blurred silhouette, M x M, row-major. */
  coverage: Float64Array
}

/**
 * Issue 23's face-based silhouette: the mesh's faces, front or back, rendered onto the mask
 * grid as a blurred silhouette, I = exp(-d^2 / SIGMA) with d a pixel centre's distance to the
 * nearest face (0 inside one), and compared with the mask blurred the same way (T from
 * target.distance, the distance to the mask's outline) by their squared difference over the
 * mask's area (1 for a mesh that covers none of it). The two are equal where the outlines are,
 * so the loss is least there. Why not SoftRas' sigmoid(±d^2 / sigma) per face, aggregated as
 * 1 - prod_f (1 - D_f): a pixel on the edge between two faces gets 0.5 from each, so on a 64 x 64
 * grid with faces two or three pixels across most of a mesh's inside reads as part covered and
 * the loss rewards piling faces up; and against the bare mask any blur pays for shrinking by
 * most of a pixel, the whole width of a thin part. Unlike the vertex terms of view-loss this
 * sees the faces between vertices: a face spanning background costs, and so does a thin part
 * of the mask that no face reaches. Gradients (scaled by `weight`) go from the pixels outside
 * the mesh to the nearest face's edge, and on to the camera and the vertices through
 * p = s (R V)_xy + t.
 */
export function softSilhouette(target: ViewTarget, shape: ViewShape, camera: ArrayLike<number>, offset: number, weight: number, grads: ViewGrads | null): SoftSilhouette {
  const M = target.maskSize
  const n = shape.vertexCount
  const { proj, R, s, az, el, roll } = projectView(shape, camera, offset)
  const half = M / 2
  // Projections in mask pixels: u = (p + 1) M / 2.
  const u = proj.map((p) => (p + 1) * half)
  // Per pixel: the squared distance to the nearest face within reach, and that face's edge and point.
  const d2 = new Float64Array(M * M).fill(Infinity)
  const nearest = new Int32Array(M * M)
  const along = new Float64Array(M * M)
  eachCoverage(u, shape.faces, M, (f, p, d, edge, t) => {
    if (d >= d2[p]!) return
    d2[p] = d
    nearest[p] = 3 * f + edge
    along[p] = t
  })
  const coverage = new Float64Array(M * M)
  const wanted = new Float64Array(M * M)
  let area = 0
  let sum = 0
  for (let p = 0; p < M * M; p++) {
    coverage[p] = Math.exp(-d2[p]! / SOFT_SILHOUETTE_SIGMA)
    wanted[p] = Math.exp(-(target.distance[p]! ** 2) / SOFT_SILHOUETTE_SIGMA)
    area += wanted[p]!
    sum += (coverage[p]! - wanted[p]!) ** 2
  }
  const loss = sum / area
  if (grads && weight !== 0) {
    const faces = shape.faces
    const gu = new Float64Array(2 * n)
    for (let p = 0; p < M * M; p++) {
      const d = d2[p]!
      if (d === 0 || d === Infinity) continue
      // dL/dI = 2 (I - T) / area, dI/d(d^2) = -I / SIGMA; d(d^2)/d(edge start) = -2 (q - c) (1 - t), /d(end) = -2 (q - c) t.
      const gd2 = (-2 * weight * (coverage[p]! - wanted[p]!) * coverage[p]!) / (area * SOFT_SILHOUETTE_SIGMA)
      const e = nearest[p]!
      const f3 = e - (e % 3)
      const a = faces[e]!
      const b = faces[f3 + (((e % 3) + 1) % 3)]!
      const t = along[p]!
      const qx = (p % M) + 0.5
      const qy = Math.floor(p / M) + 0.5
      const cx = u[2 * a]! + t * (u[2 * b]! - u[2 * a]!)
      const cy = u[2 * a + 1]! + t * (u[2 * b + 1]! - u[2 * a + 1]!)
      const k = -2 * gd2 * half
      gu[2 * a]! += k * (qx - cx) * (1 - t)
      gu[2 * a + 1]! += k * (qy - cy) * (1 - t)
      gu[2 * b]! += k * (qx - cx) * t
      gu[2 * b + 1]! += k * (qy - cy) * t
    }
    backProject(shape.vertices, n, R, s, az, el, roll, gu, grads)
  }
  return { loss, coverage }
}
