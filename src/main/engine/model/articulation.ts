import type { Template } from '../template/template'

/**
 * Part articulation (METHOD §3, a switch of its own): the template's vertices fall into a few
 * parts (k-means clusters of the starting ellipsoid, so a part is a set of vertex indices that
 * follows them wherever the learned shape takes them), each image rotates every part about its
 * joint, and each vertex follows the parts by skinning weights from its distance to their
 * centres on the template (linear blend skinning after the deformation):
 *
 *   V'_i = V_i + sum_p w_ip (R_p - I)(V_i - o_p),   R_p = Rz(c) Ry(b) Rx(a),
 *
 * with the joint o_p halfway between the part's centroid and the whole mesh's centroid of V
 * (a part swings about where it meets the body rather than spinning in place). Zero angles
 * leave the mesh unchanged.
 */
export interface ArticulationRig {
  parts: number
  /** The part each vertex belongs to (nearest centre on the template). */
  membership: Int32Array
  /** Vertices per part. */
  memberCount: Float64Array
  /** Skinning weights (vertex, part), rows summing to 1. */
  weights: Float64Array
}

/** Angles per part: rotations about x, y, z in radians. */
export const ANGLES_PER_PART = 3

const KMEANS_ROUNDS = 50

/**
 * Softness of the skinning: the Gaussian's variance is this fraction of the mean squared
 * distance from a vertex to its own centre, so that a vertex halfway between two centres
 * follows both and one near a centre follows its own part almost alone.
 */
const SKIN_VARIANCE = 0.5

export function articulationRig(template: Template, parts: number): ArticulationRig {
  const n = template.vertexCount
  if (!Number.isInteger(parts) || parts < 1 || parts > n) throw new RangeError(`articulation parts must be an integer in [1, ${n}], got ${parts}`)
  const x = template.rest
  const dist2 = (i: number, c: Float64Array, p: number): number => {
    let s = 0
    for (let k = 0; k < 3; k++) s += (x[3 * i + k]! - c[3 * p + k]!) ** 2
    return s
  }
  // Farthest-point seeds from the front-most vertex: deterministic, spread over the surface.
  const centres = new Float64Array(3 * parts)
  let first = 0
  for (let i = 1; i < n; i++) if (x[3 * i + 2]! > x[3 * first + 2]!) first = i
  centres.set(x.subarray(3 * first, 3 * first + 3), 0)
  const nearest = new Float64Array(n).fill(Infinity)
  for (let p = 1; p < parts; p++) {
    let far = 0
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i]!, dist2(i, centres, p - 1))
      if (nearest[i]! > nearest[far]!) far = i
    }
    centres.set(x.subarray(3 * far, 3 * far + 3), 3 * p)
  }
  const membership = new Int32Array(n)
  const memberCount = new Float64Array(parts)
  for (let round = 0; round < KMEANS_ROUNDS; round++) {
    let moved = false
    for (let i = 0; i < n; i++) {
      let best = 0
      for (let p = 1; p < parts; p++) if (dist2(i, centres, p) < dist2(i, centres, best)) best = p
      if (round === 0 || membership[i] !== best) moved = true
      membership[i] = best
    }
    if (!moved) break
    const sums = new Float64Array(3 * parts)
    memberCount.fill(0)
    for (let i = 0; i < n; i++) {
      const p = membership[i]!
      memberCount[p]!++
      for (let k = 0; k < 3; k++) sums[3 * p + k]! += x[3 * i + k]!
    }
    // A part that lost every vertex keeps its centre (and stays empty).
    for (let p = 0; p < parts; p++) if (memberCount[p]! > 0) for (let k = 0; k < 3; k++) centres[3 * p + k] = sums[3 * p + k]! / memberCount[p]!
  }
  let spread = 0
  for (let i = 0; i < n; i++) spread += dist2(i, centres, membership[i]!) / n
  const variance = SKIN_VARIANCE * Math.max(spread, 1e-12)
  const weights = new Float64Array(n * parts)
  for (let i = 0; i < n; i++) {
    const d0 = dist2(i, centres, membership[i]!)
    let total = 0
    for (let p = 0; p < parts; p++) {
      // Relative to the nearest centre, so that the exponent never underflows every part at once.
      const w = Math.exp(-(dist2(i, centres, p) - d0) / (2 * variance))
      weights[i * parts + p] = w
      total += w
    }
    for (let p = 0; p < parts; p++) weights[i * parts + p]! /= total
  }
  return { parts, membership, memberCount, weights }
}

/** What the backward pass needs of a forward one. */
export interface ArticulationTape {
  /** Per part, R_p - I (row-major 3x3) and its derivatives with respect to the three angles. */
  rotation: Float64Array
  derivatives: Float64Array
  /** Per part, the joint o_p. */
  joints: Float64Array
}

function axisRotation(axis: number, angle: number, derivative: boolean): Float64Array {
  const c = derivative ? -Math.sin(angle) : Math.cos(angle)
  const s = derivative ? Math.cos(angle) : Math.sin(angle)
  const m = new Float64Array(9)
  const [i, j] = axis === 0 ? [1, 2] : axis === 1 ? [2, 0] : [0, 1]
  if (!derivative) m[axis * 4] = 1
  m[i * 3 + i] = c
  m[j * 3 + j] = c
  m[i * 3 + j] = -s
  m[j * 3 + i] = s
  return m
}

function matmul(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(9)
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!
  return out
}

/** Joints from V: halfway between each part's centroid and the mesh's. */
function joints(rig: ArticulationRig, V: Float64Array): Float64Array {
  const n = rig.membership.length
  const centroid = [0, 0, 0]
  const out = new Float64Array(3 * rig.parts)
  for (let i = 0; i < n; i++) {
    const p = rig.membership[i]!
    for (let k = 0; k < 3; k++) {
      centroid[k]! += V[3 * i + k]! / n
      out[3 * p + k]! += V[3 * i + k]!
    }
  }
  for (let p = 0; p < rig.parts; p++) for (let k = 0; k < 3; k++) out[3 * p + k] = 0.5 * (rig.memberCount[p]! > 0 ? out[3 * p + k]! / rig.memberCount[p]! : centroid[k]!) + 0.5 * centroid[k]!
  return out
}

/** The posed mesh V' for angles `angles[offset ..]` (parts x [a, b, c]). */
export function articulate(rig: ArticulationRig, V: Float64Array, angles: ArrayLike<number>, offset: number): { posed: Float64Array; tape: ArticulationTape } {
  const P = rig.parts
  const n = rig.membership.length
  const rotation = new Float64Array(9 * P)
  const derivatives = new Float64Array(27 * P)
  for (let p = 0; p < P; p++) {
    const [a, b, c] = [0, 1, 2].map((k) => angles[offset + ANGLES_PER_PART * p + k]!) as [number, number, number]
    const [rx, ry, rz] = [axisRotation(0, a, false), axisRotation(1, b, false), axisRotation(2, c, false)]
    const R = matmul(rz, matmul(ry, rx))
    for (let q = 0; q < 9; q++) rotation[9 * p + q] = R[q]! - (q % 4 === 0 ? 1 : 0)
    derivatives.set(matmul(rz, matmul(ry, axisRotation(0, a, true))), 27 * p)
    derivatives.set(matmul(rz, matmul(axisRotation(1, b, true), rx)), 27 * p + 9)
    derivatives.set(matmul(axisRotation(2, c, true), matmul(ry, rx)), 27 * p + 18)
  }
  const o = joints(rig, V)
  const posed = Float64Array.from(V)
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < P; p++) {
      const w = rig.weights[i * P + p]!
      if (w === 0) continue
      const d0 = V[3 * i]! - o[3 * p]!
      const d1 = V[3 * i + 1]! - o[3 * p + 1]!
      const d2 = V[3 * i + 2]! - o[3 * p + 2]!
      const M = 9 * p
      for (let r = 0; r < 3; r++) posed[3 * i + r]! += w * (rotation[M + 3 * r]! * d0 + rotation[M + 3 * r + 1]! * d1 + rotation[M + 3 * r + 2]! * d2)
    }
  }
  return { posed, tape: { rotation, derivatives, joints: o } }
}

/**
 * Back through articulate: adds dL/dV into `gV` and dL/d(angles) into `gAngles[offset ..]`,
 * given dL/dV' in `gPosed`.
 */
export function articulateBackward(rig: ArticulationRig, V: Float64Array, tape: ArticulationTape, gPosed: Float64Array, gV: Float64Array, gAngles: Float64Array, offset: number): void {
  const P = rig.parts
  const n = rig.membership.length
  const { rotation, derivatives, joints: o } = tape
  // Per part: sum_i w_ip G_i (for the joint) and sum_i w_ip G_i (V_i - o_p)^T (for the rotation).
  const S = new Float64Array(3 * P)
  const outer = new Float64Array(9 * P)
  for (let i = 0; i < n; i++) {
    const G = [gPosed[3 * i]!, gPosed[3 * i + 1]!, gPosed[3 * i + 2]!]
    for (let k = 0; k < 3; k++) gV[3 * i + k]! += G[k]!
    for (let p = 0; p < P; p++) {
      const w = rig.weights[i * P + p]!
      if (w === 0) continue
      const M = 9 * p
      for (let c = 0; c < 3; c++) gV[3 * i + c]! += w * (rotation[M + c]! * G[0]! + rotation[M + 3 + c]! * G[1]! + rotation[M + 6 + c]! * G[2]!)
      for (let r = 0; r < 3; r++) {
        const wg = w * G[r]!
        S[3 * p + r]! += wg
        for (let c = 0; c < 3; c++) outer[M + 3 * r + c]! += wg * (V[3 * i + c]! - o[3 * p + c]!)
      }
    }
  }
  const jointShare = new Float64Array(3)
  for (let p = 0; p < P; p++) {
    for (let k = 0; k < 3; k++) {
      let g = 0
      for (let q = 0; q < 9; q++) g += outer[9 * p + q]! * derivatives[27 * p + 9 * k + q]!
      gAngles[offset + ANGLES_PER_PART * p + k]! += g
    }
    // dL/do_p = -(R_p - I)^T S_p, half of it through the part's centroid, half through the mesh's.
    const M = 9 * p
    const go = [0, 1, 2].map((c) => -(rotation[M + c]! * S[3 * p]! + rotation[M + 3 + c]! * S[3 * p + 1]! + rotation[M + 6 + c]! * S[3 * p + 2]!))
    const count = rig.memberCount[p]!
    for (let c = 0; c < 3; c++) {
      // An empty part's joint is the mesh's centroid alone.
      jointShare[c]! += (count > 0 ? 0.5 : 1) * go[c]! / n
      S[3 * p + c] = count > 0 ? (0.5 * go[c]!) / count : 0
    }
  }
  for (let i = 0; i < n; i++) {
    const p = rig.membership[i]!
    for (let k = 0; k < 3; k++) gV[3 * i + k]! += S[3 * p + k]! + jointShare[k]!
  }
}
