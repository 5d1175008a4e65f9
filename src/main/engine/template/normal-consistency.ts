import { cross } from '../render/mat3'
import type { Vec3 } from '../render/mat3'
import type { Template } from './template'

/** For each edge shared by two faces, those faces' indices (pairs), found once per template. */
const facePairsOf = new WeakMap<Template, Uint32Array>()

function facePairs(template: Template): Uint32Array {
  const cached = facePairsOf.get(template)
  if (cached) return cached
  const { faces, vertexCount: n } = template
  const firstFace = new Map<number, number>()
  const pairs: number[] = []
  for (let f = 0; f < faces.length / 3; f++) {
    for (let k = 0; k < 3; k++) {
      const a = faces[3 * f + k]!
      const b = faces[3 * f + ((k + 1) % 3)]!
      const key = Math.min(a, b) * n + Math.max(a, b)
      const other = firstFace.get(key)
      if (other === undefined) firstFace.set(key, f)
      else pairs.push(other, f)
    }
  }
  const out = Uint32Array.from(pairs)
  facePairsOf.set(template, out)
  return out
}

/**
 * Normal consistency, mean over edges of (1 - cos) between the normals of the two faces that
 * share it: zero for a flat sheet, small for a smooth surface, large where the mesh folds over
 * itself, which the Laplacian does not see when the folded vertices sit at their neighbours'
 * mean (trained canonical shapes measured 0.59-0.80 here, the starting ellipsoid 0.005:
 * docs/experiments/edge-length-regularisers.md). A face shrunk to zero area drops out, and near it
 * the gradient grows as 1 / area. Gradient times `weight` added into `grad`; returns
 * weight * energy.
 */
export function normalConsistencyEnergy(template: Template, x: Float64Array, weight: number, grad: Float64Array | null): number {
  const { faces } = template
  const F = faces.length / 3
  const point = (i: number): Vec3 => [x[3 * i]!, x[3 * i + 1]!, x[3 * i + 2]!]
  const edgeU: Vec3[] = []
  const edgeV: Vec3[] = []
  const unit = new Float64Array(3 * F)
  const length = new Float64Array(F)
  for (let f = 0; f < F; f++) {
    const [a, b, c] = [point(faces[3 * f]!), point(faces[3 * f + 1]!), point(faces[3 * f + 2]!)]
    const u: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]]
    const v: Vec3 = [c[0] - a[0], c[1] - a[1], c[2] - a[2]]
    edgeU.push(u)
    edgeV.push(v)
    const n = cross(u, v)
    const l = Math.hypot(n[0], n[1], n[2])
    length[f] = l
    if (l > 0) for (let k = 0; k < 3; k++) unit[3 * f + k] = n[k]! / l
  }
  const pairs = facePairs(template)
  const E = pairs.length / 2
  let energy = 0
  // dE/d(unit normal of each face), before the chain through normalisation and the cross product.
  const gUnit = grad ? new Float64Array(3 * F) : null
  for (let e = 0; e < E; e++) {
    const f = pairs[2 * e]!
    const g = pairs[2 * e + 1]!
    let dot = 0
    for (let k = 0; k < 3; k++) dot += unit[3 * f + k]! * unit[3 * g + k]!
    energy += 1 - dot
    if (gUnit) {
      for (let k = 0; k < 3; k++) {
        gUnit[3 * f + k]! -= (weight * unit[3 * g + k]!) / E
        gUnit[3 * g + k]! -= (weight * unit[3 * f + k]!) / E
      }
    }
  }
  if (grad && gUnit) {
    for (let f = 0; f < F; f++) {
      const l = length[f]!
      if (l === 0) continue
      // Through n / |n|: (I - n n^T) g / |n|.
      let along = 0
      for (let k = 0; k < 3; k++) along += unit[3 * f + k]! * gUnit[3 * f + k]!
      const g = (k: number): number => (gUnit[3 * f + k]! - along * unit[3 * f + k]!) / l
      const gn: Vec3 = [g(0), g(1), g(2)]
      // Through n = u x v: dL/du = v x g, dL/dv = g x u; u = b - a, v = c - a.
      const [a, b, c] = [3 * faces[3 * f]!, 3 * faces[3 * f + 1]!, 3 * faces[3 * f + 2]!]
      const gu = cross(edgeV[f]!, gn)
      const gv = cross(gn, edgeU[f]!)
      for (let k = 0; k < 3; k++) {
        grad[b + k]! += gu[k]!
        grad[c + k]! += gv[k]!
        grad[a + k]! -= gu[k]! + gv[k]!
      }
    }
  }
  return (weight * energy) / E
}
