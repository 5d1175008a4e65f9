import type { Mat3, Vec3 } from '../render/mat3'
import type { Template } from '../template/template'
import { poseSkeleton, poseSkeletonBackward } from './skeleton'
import type { SkeletonRig, SkeletonTape } from './skeleton'
import { ANGLES_PER_PART, partRotation, skinningWeights } from './rig'

/**
 * Part articulation (METHOD §3, a switch of its own): the template's vertices fall into a few
 * parts (k-means clusters of the starting ellipsoid, so a part is a set of vertex indices that
 * follows them wherever the learned shape takes them), each image rotates every part about its
 * joint, and each vertex follows the parts by skinning weights from its distance to their
 * centres on the template (linear blend skinning after the deformation):
 *
 *   V'_i = V_i + sum_p w_ip (R_p - I)(V_i - o_p),   R_p = Rz(c) Ry(b) Rx(a),
 *
 * with the joint o_p halfway between the part's skinning-weighted centroid and the mesh's
 * centroid of V (a part swings about where it meets the body rather than spinning in place).
 * Zero angles leave the mesh unchanged.
 *
 * The parts are mirror-symmetric like the template (a part on the midline is its own mirror,
 * the others come in pairs), so that a posed instance has a mirror image the same rig can
 * pose: mirrorAngles, which the mirror-camera comparison needs.
 */
export interface ClusterRig {
  kind: 'clusters'
  parts: number
  /** Skinning weights (vertex, part), rows summing to 1. */
  weights: Float64Array
  /** Per part, the sum of its weights over the vertices. */
  weightSums: Float64Array
  /** mirrorPart[p]: the part at the mirror image of part p (p itself on the midline). */
  mirrorPart: Int32Array
}

/** The clusters' rig or a skeleton's (model/skeleton): parts that turn, three angles each. */
export type ArticulationRig = ClusterRig | SkeletonRig

const KMEANS_ROUNDS = 50

export function articulationRig(template: Template, parts: number): ClusterRig {
  const n = template.vertexCount
  if (!Number.isInteger(parts) || parts < 1 || parts > n) throw new RangeError(`articulation parts must be an integer in [1, ${n}], got ${parts}`)
  const x = template.rest
  const centres = new Float64Array(3 * parts)
  const dist2 = (i: number, p: number): number => (x[3 * i]! - centres[3 * p]!) ** 2 + (x[3 * i + 1]! - centres[3 * p + 1]!) ** 2 + (x[3 * i + 2]! - centres[3 * p + 2]!) ** 2
  const onMidline = (i: number): boolean => template.mirror[i] === i
  const mirrorPart = new Int32Array(parts)
  // Farthest-point seeds from the front-most vertex, a vertex and its mirror together, so that
  // the seeds (and every k-means round after them) are symmetric.
  let count = 0
  const seed = (i: number): void => {
    centres.set(x.subarray(3 * i, 3 * i + 3), 3 * count)
    mirrorPart[count] = count
    count++
    if (onMidline(i)) return
    const j = template.mirror[i]!
    centres.set(x.subarray(3 * j, 3 * j + 3), 3 * count)
    mirrorPart[count - 1] = count
    mirrorPart[count] = count - 1
    count++
  }
  let front = -1
  for (let i = 0; i < n; i++) if (onMidline(i) && (front < 0 || x[3 * i + 2]! > x[3 * front + 2]!)) front = i
  seed(front)
  while (count < parts) {
    let far = -1
    let farDistance = -1
    for (let i = 0; i < n; i++) {
      // With one part left only a midline vertex can seed it.
      if (count === parts - 1 && !onMidline(i)) continue
      let d = Infinity
      for (let p = 0; p < count; p++) d = Math.min(d, dist2(i, p))
      if (d > farDistance) [far, farDistance] = [i, d]
    }
    seed(far)
  }
  const nearest = new Int32Array(n)
  for (let round = 0; round < KMEANS_ROUNDS; round++) {
    let moved = false
    for (let i = 0; i < n; i++) {
      let best = 0
      for (let p = 1; p < parts; p++) if (dist2(i, p) < dist2(i, best)) best = p
      if (round === 0 || nearest[i] !== best) moved = true
      nearest[i] = best
    }
    if (!moved) break
    const sums = new Float64Array(4 * parts)
    for (let i = 0; i < n; i++) {
      const p = nearest[i]!
      for (let k = 0; k < 3; k++) sums[4 * p + k]! += x[3 * i + k]!
      sums[4 * p + 3]!++
    }
    // Each pair's centres are averaged as mirror images of each other: ties on the midline
    // (a vertex equally near both of a pair) would otherwise make the pair drift apart.
    const next = new Float64Array(3 * parts)
    for (let p = 0; p < parts; p++) {
      const q = mirrorPart[p]!
      const total = sums[4 * p + 3]! + sums[4 * q + 3]!
      // A pair that lost every vertex keeps its centres.
      if (total === 0) {
        next.set(centres.subarray(3 * p, 3 * p + 3), 3 * p)
        continue
      }
      next[3 * p] = (sums[4 * p]! - sums[4 * q]!) / total
      next[3 * p + 1] = (sums[4 * p + 1]! + sums[4 * q + 1]!) / total
      next[3 * p + 2] = (sums[4 * p + 2]! + sums[4 * q + 2]!) / total
    }
    centres.set(next)
  }
  const distances = new Float64Array(n * parts)
  for (let i = 0; i < n; i++) for (let p = 0; p < parts; p++) distances[i * parts + p] = dist2(i, p)
  const weights = skinningWeights(distances, n, parts)
  const weightSums = new Float64Array(parts)
  for (let i = 0; i < n; i++) for (let p = 0; p < parts; p++) weightSums[p]! += weights[i * parts + p]!
  return { kind: 'clusters', parts, weights, weightSums, mirrorPart }
}

/**
 * The angles that pose the mirror image: M R M with M = diag(-1, 1, 1) keeps a rotation about x
 * and reverses those about y and z, and part p's rotation moves to its mirror part. With
 * `signs` false only the parts swap (an optimiser's second moments).
 */
export function mirrorAngles(rig: ArticulationRig, src: ArrayLike<number>, srcOffset: number, dst: Float32Array | Float64Array, dstOffset: number, signs = true): void {
  const moved = Array.from({ length: ANGLES_PER_PART * rig.parts }, (_, q) => src[srcOffset + q]!)
  for (let p = 0; p < rig.parts; p++) {
    const to = dstOffset + ANGLES_PER_PART * rig.mirrorPart[p]!
    dst[to] = moved[ANGLES_PER_PART * p]!
    dst[to + 1] = (signs ? -1 : 1) * moved[ANGLES_PER_PART * p + 1]!
    dst[to + 2] = (signs ? -1 : 1) * moved[ANGLES_PER_PART * p + 2]!
  }
}

/** What the clusters' backward pass needs of a forward one. */
export interface ClusterTape {
  kind: 'clusters'
  /** Per part, R_p - I. */
  rotation: Mat3[]
  /** Per part, dR_p/da, dR_p/db, dR_p/dc. */
  derivatives: [Mat3, Mat3, Mat3][]
  /** Per part, the joint o_p (xyz). */
  joints: Float64Array
}

export type ArticulationTape = ClusterTape | SkeletonTape

/** Joints from V: halfway between each part's weighted centroid and the mesh's centroid. */
function joints(rig: ClusterRig, V: Float64Array): Float64Array {
  const P = rig.parts
  const n = V.length / 3
  const centroid = [0, 0, 0]
  const out = new Float64Array(3 * P)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      const v = V[3 * i + k]!
      centroid[k]! += v / n
      for (let p = 0; p < P; p++) out[3 * p + k]! += rig.weights[i * P + p]! * v
    }
  }
  // A part no vertex follows (its weights underflowed) has its joint at the mesh's centroid.
  for (let p = 0; p < P; p++) for (let k = 0; k < 3; k++) out[3 * p + k] = rig.weightSums[p]! > 0 ? (0.5 * out[3 * p + k]!) / rig.weightSums[p]! + 0.5 * centroid[k]! : centroid[k]!
  return out
}

const minusIdentity = (m: Mat3): Mat3 => [m[0] - 1, m[1], m[2], m[3], m[4] - 1, m[5], m[6], m[7], m[8] - 1]

/** The posed mesh V' for angles `angles[offset ..]` (parts x [a, b, c]). */
export function articulate(rig: ArticulationRig, V: Float64Array, angles: ArrayLike<number>, offset: number): { posed: Float64Array; tape: ArticulationTape } {
  if (rig.kind === 'skeleton') return poseSkeleton(rig, V, angles, offset)
  const P = rig.parts
  const n = V.length / 3
  const rotation: Mat3[] = []
  const derivatives: [Mat3, Mat3, Mat3][] = []
  for (let p = 0; p < P; p++) {
    const part = partRotation(angles, offset, p)
    rotation.push(minusIdentity(part.rotation))
    derivatives.push(part.derivatives)
  }
  const o = joints(rig, V)
  const posed = Float64Array.from(V)
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < P; p++) {
      const w = rig.weights[i * P + p]!
      const d0 = V[3 * i]! - o[3 * p]!
      const d1 = V[3 * i + 1]! - o[3 * p + 1]!
      const d2 = V[3 * i + 2]! - o[3 * p + 2]!
      const A = rotation[p]!
      for (let r = 0; r < 3; r++) posed[3 * i + r]! += w * (A[3 * r]! * d0 + A[3 * r + 1]! * d1 + A[3 * r + 2]! * d2)
    }
  }
  return { posed, tape: { kind: 'clusters', rotation, derivatives, joints: o } }
}

/**
 * Back through articulate: adds dL/dV into `gV` and dL/d(angles) into `gAngles[offset ..]`,
 * given dL/dV' in `gPosed`.
 */
export function articulateBackward(rig: ArticulationRig, V: Float64Array, tape: ArticulationTape, gPosed: Float64Array, gV: Float64Array, gAngles: Float64Array, offset: number): void {
  if (rig.kind === 'skeleton' && tape.kind === 'skeleton') return poseSkeletonBackward(rig, V, tape, gPosed, gV, gAngles, offset)
  if (rig.kind !== 'clusters' || tape.kind !== 'clusters') throw new Error(`articulateBackward: a ${tape.kind} tape for a ${rig.kind} rig`)
  const P = rig.parts
  const n = V.length / 3
  const { rotation, derivatives, joints: o } = tape
  // Per part: sum_i w_ip G_i (for the joint) and sum_i w_ip G_i (V_i - o_p)^T (for the rotation).
  const S = new Float64Array(3 * P)
  const outer = new Float64Array(9 * P)
  for (let i = 0; i < n; i++) {
    const G: Vec3 = [gPosed[3 * i]!, gPosed[3 * i + 1]!, gPosed[3 * i + 2]!]
    for (let k = 0; k < 3; k++) gV[3 * i + k]! += G[k]!
    for (let p = 0; p < P; p++) {
      const w = rig.weights[i * P + p]!
      const A = rotation[p]!
      for (let c = 0; c < 3; c++) gV[3 * i + c]! += w * (A[c]! * G[0] + A[3 + c]! * G[1] + A[6 + c]! * G[2])
      for (let r = 0; r < 3; r++) {
        const wg = w * G[r]!
        S[3 * p + r]! += wg
        for (let c = 0; c < 3; c++) outer[9 * p + 3 * r + c]! += wg * (V[3 * i + c]! - o[3 * p + c]!)
      }
    }
  }
  // dL/do_p = -(R_p - I)^T S_p, half of it through the part's weighted centroid, half through the mesh's.
  const viaPart = new Float64Array(3 * P)
  const viaMesh = [0, 0, 0]
  for (let p = 0; p < P; p++) {
    derivatives[p]!.forEach((dR, k) => {
      let g = 0
      for (let q = 0; q < 9; q++) g += outer[9 * p + q]! * dR[q]!
      gAngles[offset + ANGLES_PER_PART * p + k]! += g
    })
    const A = rotation[p]!
    for (let c = 0; c < 3; c++) {
      const go = -(A[c]! * S[3 * p]! + A[3 + c]! * S[3 * p + 1]! + A[6 + c]! * S[3 * p + 2]!)
      const followed = rig.weightSums[p]! > 0
      viaPart[3 * p + c] = followed ? (0.5 * go) / rig.weightSums[p]! : 0
      viaMesh[c]! += ((followed ? 0.5 : 1) * go) / n
    }
  }
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      let g = viaMesh[k]!
      for (let p = 0; p < P; p++) g += rig.weights[i * P + p]! * viaPart[3 * p + k]!
      gV[3 * i + k]! += g
    }
  }
}
