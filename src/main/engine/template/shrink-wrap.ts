import type { TriangleMesh } from './obj-mesh'
import type { Template } from './template'

/**
 * METHOD §3's start from a category template mesh: each template vertex moves along the
 * direction of its starting position (on the ellipsoid) from the mesh's box centre to the
 * farthest point where that ray leaves the mesh, so the vertices keep their order, mirror pairs and connectivity and take the mesh's
 * outline. The mesh is read in the model frame (+x the object's left, +y up, +z forward), centred
 * on its box and scaled so that its forward half-length is 1, as the ellipsoids are. Exact for a
 * mesh that is star-shaped from its box centre (a car's body and cabin); a thin part off that
 * centre's sight lines (a wing seen edge-on) gets the few rays that hit it. A direction that hits
 * nothing keeps the mean distance of those that did.
 */
export function shrinkWrap(template: Template, mesh: TriangleMesh): Float64Array {
  const { positions: p, faces } = mesh
  const lo = [Infinity, Infinity, Infinity]
  const hi = [-Infinity, -Infinity, -Infinity]
  for (let q = 0; q < p.length; q++) {
    lo[q % 3] = Math.min(lo[q % 3]!, p[q]!)
    hi[q % 3] = Math.max(hi[q % 3]!, p[q]!)
  }
  const half = (hi[2]! - lo[2]!) / 2
  if (!(half > 0)) throw new RangeError('template mesh: it has no extent along z (forward)')
  const centre = [0, 1, 2].map((c) => (lo[c]! + hi[c]!) / 2)
  const v = Float64Array.from(p, (x, q) => (x - centre[q % 3]!) / half)
  const n = template.vertexCount
  const out = new Float64Array(3 * n)
  const distances = new Float64Array(n).fill(Number.NaN)
  for (let i = 0; i < n; i++) {
    const d = [template.rest[3 * i]!, template.rest[3 * i + 1]!, template.rest[3 * i + 2]!]
    const norm = Math.hypot(d[0]!, d[1]!, d[2]!)
    for (let c = 0; c < 3; c++) d[c]! /= norm
    let far = -Infinity
    for (let f = 0; f < faces.length; f += 3) {
      const t = rayTriangle(d, v, faces[f]!, faces[f + 1]!, faces[f + 2]!)
      if (t > far) far = t
    }
    if (far > 0) distances[i] = far
    for (let c = 0; c < 3; c++) out[3 * i + c] = d[c]!
  }
  let sum = 0
  let hits = 0
  for (const t of distances) {
    if (!Number.isFinite(t)) continue
    sum += t
    hits++
  }
  if (hits === 0) throw new RangeError('template mesh: no ray from its box centre reaches its surface')
  for (let i = 0; i < n; i++) {
    const t = Number.isFinite(distances[i]!) ? distances[i]! : sum / hits
    for (let c = 0; c < 3; c++) out[3 * i + c]! *= t
  }
  return out
}

/** Distance along the unit ray from the origin to triangle (a, b, c) of `v`, or -1 (Moller-Trumbore, either side). */
function rayTriangle(d: number[], v: Float64Array, a: number, b: number, c: number): number {
  const e1 = [v[3 * b]! - v[3 * a]!, v[3 * b + 1]! - v[3 * a + 1]!, v[3 * b + 2]! - v[3 * a + 2]!]
  const e2 = [v[3 * c]! - v[3 * a]!, v[3 * c + 1]! - v[3 * a + 1]!, v[3 * c + 2]! - v[3 * a + 2]!]
  const h = [d[1]! * e2[2]! - d[2]! * e2[1]!, d[2]! * e2[0]! - d[0]! * e2[2]!, d[0]! * e2[1]! - d[1]! * e2[0]!]
  const det = e1[0]! * h[0]! + e1[1]! * h[1]! + e1[2]! * h[2]!
  if (Math.abs(det) < 1e-12) return -1
  const s = [-v[3 * a]!, -v[3 * a + 1]!, -v[3 * a + 2]!]
  const u = (s[0]! * h[0]! + s[1]! * h[1]! + s[2]! * h[2]!) / det
  if (u < 0 || u > 1) return -1
  const qv = [s[1]! * e1[2]! - s[2]! * e1[1]!, s[2]! * e1[0]! - s[0]! * e1[2]!, s[0]! * e1[1]! - s[1]! * e1[0]!]
  const w = (d[0]! * qv[0]! + d[1]! * qv[1]! + d[2]! * qv[2]!) / det
  if (w < 0 || u + w > 1) return -1
  return (e2[0]! * qv[0]! + e2[1]! * qv[1]! + e2[2]! * qv[2]!) / det
}
