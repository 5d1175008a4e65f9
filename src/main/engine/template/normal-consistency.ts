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
 * itself. Measured on the trained canonical shapes: a third of the faces turned inward, so the
 * z-buffer and facing tests that decide visibility read a tangle; the Laplacian does not see a
 * fold whose vertices sit at their neighbours' mean. Gradient times `weight` added into `grad`;
 * returns weight * energy.
 */
export function normalConsistencyEnergy(template: Template, x: Float64Array, weight: number, grad: Float64Array | null): number {
  const { faces } = template
  const F = faces.length / 3
  const raw = new Float64Array(3 * F)
  const unit = new Float64Array(3 * F)
  const length = new Float64Array(F)
  for (let f = 0; f < F; f++) {
    const [a, b, c] = [3 * faces[3 * f]!, 3 * faces[3 * f + 1]!, 3 * faces[3 * f + 2]!]
    const u = [x[b]! - x[a]!, x[b + 1]! - x[a + 1]!, x[b + 2]! - x[a + 2]!]
    const v = [x[c]! - x[a]!, x[c + 1]! - x[a + 1]!, x[c + 2]! - x[a + 2]!]
    raw[3 * f] = u[1]! * v[2]! - u[2]! * v[1]!
    raw[3 * f + 1] = u[2]! * v[0]! - u[0]! * v[2]!
    raw[3 * f + 2] = u[0]! * v[1]! - u[1]! * v[0]!
    const l = Math.hypot(raw[3 * f]!, raw[3 * f + 1]!, raw[3 * f + 2]!)
    length[f] = l
    if (l > 0) for (let k = 0; k < 3; k++) unit[3 * f + k] = raw[3 * f + k]! / l
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
      const gn = [0, 1, 2].map((k) => (gUnit[3 * f + k]! - along * unit[3 * f + k]!) / l) as [number, number, number]
      // Through n = u x v: dL/du = v x g, dL/dv = g x u; u = b - a, v = c - a.
      const [a, b, c] = [3 * faces[3 * f]!, 3 * faces[3 * f + 1]!, 3 * faces[3 * f + 2]!]
      const u = [x[b]! - x[a]!, x[b + 1]! - x[a + 1]!, x[b + 2]! - x[a + 2]!]
      const v = [x[c]! - x[a]!, x[c + 1]! - x[a + 1]!, x[c + 2]! - x[a + 2]!]
      const gu = [v[1]! * gn[2] - v[2]! * gn[1], v[2]! * gn[0] - v[0]! * gn[2], v[0]! * gn[1] - v[1]! * gn[0]]
      const gv = [gn[1] * u[2]! - gn[2] * u[1]!, gn[2] * u[0]! - gn[0] * u[2]!, gn[0] * u[1]! - gn[1] * u[0]!]
      for (let k = 0; k < 3; k++) {
        grad[b + k]! += gu[k]!
        grad[c + k]! += gv[k]!
        grad[a + k]! -= gu[k]! + gv[k]!
      }
    }
  }
  return (weight * energy) / E
}
