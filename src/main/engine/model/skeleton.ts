import { IDENTITY, mat3Apply, mat3Multiply, mat3Transpose } from '../render/mat3'
import type { Mat3, Vec3 } from '../render/mat3'
import { invertSymmetric } from '../pca/linalg'
import type { Template } from '../template/template'
import { ANGLES_PER_PART, partRotation, skinningWeights } from './rig'

/**
 * A skeleton rig (METHOD §3's "skeleton as MagicPony's 8 body bones + 3 per leg", issue 23's
 * chained bones for wings and legs): bones in chains, each turning about its proximal joint
 * and carrying its descendants with it, so that a wing's outer bone folds relative to its
 * inner one instead of every part turning about the body on its own (the clusters' rig).
 *
 * Laid out on the starting template (its extents a, b, c along x lateral, y up, z forward):
 * - a spine of `spineBones` bones on the forward axis from -0.9 c to 0.9 c, two chains out from
 *   the middle joint (towards the head, towards the tail);
 * - four legs of 3 bones straight down from the spine joints a quarter of its bones from either
 *   end (rounded down), at x = +-0.3 a, to y = -0.95 b;
 * - two wings of 2 bones from the spine joint an eighth of its bones (at least one) ahead of the
 *   middle, out sideways and up to the template's side (x = +-0.95 a, y = 0.3 b).
 * The layout is mirror-symmetric (the spine is its own mirror, left and right limbs pair up),
 * which the mirror-camera comparison needs. Each vertex follows the bones by Gaussian skinning
 * weights of its distance to their segments on the template; each joint is a fixed combination
 * of the vertices near it that is exactly the joint on the template (jointCombination), so the
 * joints follow the learned shape.
 *
 * Pose: bone b's transform is G_b(x) = G_parent(o_b + R_b (x - o_b)) with R_b = Rz(c) Ry(b) Rx(a)
 * about the model's axes, G_root = identity, and V'_i = sum_b w_ib G_b(V_i). Zero angles leave
 * the mesh unchanged.
 */
export interface SkeletonRig {
  kind: 'skeleton'
  /** Bones (the rig's parts: three angles each). */
  parts: number
  /** Skinning weights (vertex, bone), rows summing to 1. */
  weights: Float64Array
  /** parent[b]: the bone b hangs from, -1 for the bones at the root joint; parents come before children. */
  parent: Int32Array
  /** Joint weights (bone, vertex): bone b's joint o_b = sum_i jointWeights[b n + i] V_i. */
  jointWeights: Float64Array
  /** mirrorPart[b]: the bone at the mirror image of bone b (b itself on the spine). */
  mirrorPart: Int32Array
}

/** Fewer spine bones would hang the legs from the root and the head's tip. */
export const MIN_SPINE_BONES = 4
export const LEG_BONES = 3
export const WING_BONES = 2
/** Bones besides the spine: four legs and two wings. */
export const LIMB_BONES = 4 * LEG_BONES + 2 * WING_BONES

interface Bone {
  from: Vec3
  to: Vec3
  parent: number
  /** The bone at its mirror image, filled in once both sides exist. */
  mirror: number
}

function segmentDistance2(p: ArrayLike<number>, offset: number, from: Vec3, to: Vec3): number {
  const d: Vec3 = [to[0] - from[0], to[1] - from[1], to[2] - from[2]]
  const q: Vec3 = [p[offset]! - from[0], p[offset + 1]! - from[1], p[offset + 2]! - from[2]]
  const len2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
  const t = len2 > 0 ? Math.min(1, Math.max(0, (q[0] * d[0] + q[1] * d[1] + q[2] * d[2]) / len2)) : 0
  return (q[0] - t * d[0]) ** 2 + (q[1] - t * d[1]) ** 2 + (q[2] - t * d[2]) ** 2
}

/** The bones of the layout above, parents before children. */
function layout(template: Template, spineBones: number): Bone[] {
  const x = template.rest
  const extent = [0, 0, 0]
  for (let q = 0; q < x.length; q++) extent[q % 3] = Math.max(extent[q % 3]!, Math.abs(x[q]!))
  const [a, b, c] = extent as [number, number, number]
  const joint = (k: number): Vec3 => [0, 0, c * (-0.9 + (1.8 * k) / spineBones)]
  const root = spineBones / 2
  const bones: Bone[] = []
  /** The spine bone whose far end is joint k (-1 at the root). */
  const endingAt = new Map<number, number>([[root, -1]])
  for (const step of [1, -1]) {
    for (let k = root; k !== root + step * root; k += step) {
      bones.push({ from: joint(k), to: joint(k + step), parent: endingAt.get(k)!, mirror: bones.length })
      endingAt.set(k + step, bones.length - 1)
    }
  }
  const chain = (at: number, path: (side: number) => Vec3[]): void => {
    const first = bones.length
    for (const side of [1, -1]) {
      const points = [joint(at), ...path(side)]
      for (let s = 0; s + 1 < points.length; s++) bones.push({ from: points[s]!, to: points[s + 1]!, parent: s === 0 ? endingAt.get(at)! : bones.length - 1, mirror: -1 })
    }
    const perSide = (bones.length - first) / 2
    for (let s = 0; s < perSide; s++) [bones[first + s]!.mirror, bones[first + perSide + s]!.mirror] = [first + perSide + s, first + s]
  }
  const hind = Math.floor(spineBones / 4)
  for (const at of [hind, spineBones - hind]) {
    const z = joint(at)[2]
    chain(at, (side) => [[side * 0.3 * a, -0.35 * b, z], [side * 0.3 * a, -0.65 * b, z], [side * 0.3 * a, -0.95 * b, z]])
  }
  const wingAt = root + Math.max(1, Math.floor(spineBones / 8))
  const wz = joint(wingAt)[2]
  chain(wingAt, (side) => [[side * 0.55 * a, 0.35 * b, wz], [side * 0.95 * a, 0.3 * b, wz]])
  return bones
}

/**
 * Weights a_i (summing to 1) whose combination of the template's vertices is exactly `o`, and
 * stay local to it. A joint inside the body has no vertex of its own: start from a Gaussian
 * centroid of the surface around it (as wide as its nearest vertex is far), which a body's ends
 * and its nearest side pull off the joint, and correct it in proportion to the Gaussian,
 * a_i = g_i (1 + mu . [x_i, 1]), with mu solving the four constraints (sum a_i x_i = o, sum a_i = 1).
 * As the shape deforms the joint then moves as the vertices around it do.
 */
function jointCombination(x: Float64Array, o: Vec3): Float64Array {
  const n = x.length / 3
  const d = Array.from({ length: n }, (_, i) => (x[3 * i]! - o[0]) ** 2 + (x[3 * i + 1]! - o[1]) ** 2 + (x[3 * i + 2]! - o[2]) ** 2)
  const d0 = Math.min(...d)
  const width = 2 * Math.max(d0, 1e-12)
  const g = Float64Array.from(d, (di) => Math.exp(-(di - d0) / width))
  const total = g.reduce((s, w) => s + w, 0)
  const row = (i: number): number[] => [x[3 * i]!, x[3 * i + 1]!, x[3 * i + 2]!, 1]
  // M = C diag(g) C^T and the residual o - C g, with C's columns the rows [x_i, 1].
  const M = new Float64Array(16)
  const residual = [o[0], o[1], o[2], 1]
  for (let i = 0; i < n; i++) {
    g[i]! /= total
    const r = row(i)
    for (let a = 0; a < 4; a++) {
      residual[a]! -= g[i]! * r[a]!
      for (let b = 0; b < 4; b++) M[4 * a + b]! += g[i]! * r[a]! * r[b]!
    }
  }
  const inverse = invertSymmetric(M, 4)
  const mu = [0, 1, 2, 3].map((a) => [0, 1, 2, 3].reduce((s, b) => s + inverse[4 * a + b]! * residual[b]!, 0))
  return Float64Array.from(g, (gi, i) => gi * (1 + row(i).reduce((s, v, k) => s + mu[k]! * v, 0)))
}

export function skeletonRig(template: Template, spineBones: number): SkeletonRig {
  if (!(Number.isInteger(spineBones) && spineBones >= MIN_SPINE_BONES && spineBones % 2 === 0)) throw new RangeError(`skeleton spine bones must be an even integer of at least ${MIN_SPINE_BONES}, got ${spineBones}`)
  const n = template.vertexCount
  const x = template.rest
  const bones = layout(template, spineBones)
  const P = bones.length
  const dist2 = new Float64Array(n * P)
  for (let i = 0; i < n; i++) for (let p = 0; p < P; p++) dist2[i * P + p] = segmentDistance2(x, 3 * i, bones[p]!.from, bones[p]!.to)
  const weights = skinningWeights(dist2, n, P)
  const jointWeights = new Float64Array(P * n)
  for (let p = 0; p < P; p++) jointWeights.set(jointCombination(x, bones[p]!.from), p * n)
  return { kind: 'skeleton', parts: P, weights, parent: Int32Array.from(bones, (bone) => bone.parent), jointWeights, mirrorPart: Int32Array.from(bones, (bone) => bone.mirror) }
}

/** What the backward pass needs of a forward one. */
export interface SkeletonTape {
  kind: 'skeleton'
  /** Per bone: its local rotation R_b, dR_b/da, dR_b/db, dR_b/dc, its world rotation A_b. */
  rotation: Mat3[]
  derivatives: [Mat3, Mat3, Mat3][]
  world: Mat3[]
  /** Per bone, the joint o_b. */
  joints: Vec3[]
}

const ZERO: Vec3 = [0, 0, 0]

const asMat3 = (m: Float64Array): Mat3 => [m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, m[7]!, m[8]!]

function jointsOf(rig: SkeletonRig, V: Float64Array): Vec3[] {
  const n = V.length / 3
  return Array.from({ length: rig.parts }, (_, p) => {
    const o = [0, 0, 0]
    for (let i = 0; i < n; i++) {
      const w = rig.jointWeights[p * n + i]!
      for (let k = 0; k < 3; k++) o[k]! += w * V[3 * i + k]!
    }
    return [o[0]!, o[1]!, o[2]!]
  })
}

/** The posed mesh V' for angles `angles[offset ..]` (bones x [a, b, c]). */
export function poseSkeleton(rig: SkeletonRig, V: Float64Array, angles: ArrayLike<number>, offset: number): { posed: Float64Array; tape: SkeletonTape } {
  const P = rig.parts
  const n = V.length / 3
  const joints = jointsOf(rig, V)
  const rotation: Mat3[] = []
  const derivatives: [Mat3, Mat3, Mat3][] = []
  const world: Mat3[] = []
  const worldOffset: Vec3[] = []
  for (let p = 0; p < P; p++) {
    const { rotation: R, derivatives: dR } = partRotation(angles, offset, p)
    rotation.push(R)
    derivatives.push(dR)
    const q = rig.parent[p]!
    const [Ap, tp] = q < 0 ? [IDENTITY, ZERO] : [world[q]!, worldOffset[q]!]
    const o = joints[p]!
    const Ro = mat3Apply(R, o)
    const u = mat3Apply(Ap, [o[0] - Ro[0], o[1] - Ro[1], o[2] - Ro[2]])
    world.push(mat3Multiply(Ap, R))
    worldOffset.push([u[0] + tp[0], u[1] + tp[1], u[2] + tp[2]])
  }
  const posed = new Float64Array(3 * n)
  for (let i = 0; i < n; i++) {
    const v: Vec3 = [V[3 * i]!, V[3 * i + 1]!, V[3 * i + 2]!]
    for (let p = 0; p < P; p++) {
      const w = rig.weights[i * P + p]!
      const Av = mat3Apply(world[p]!, v)
      for (let k = 0; k < 3; k++) posed[3 * i + k]! += w * (Av[k]! + worldOffset[p]![k]!)
    }
  }
  return { posed, tape: { kind: 'skeleton', rotation, derivatives, world, joints } }
}

/** Back through poseSkeleton: adds dL/dV into `gV` and dL/d(angles) into `gAngles[offset ..]`, given dL/dV' in `gPosed`. */
export function poseSkeletonBackward(rig: SkeletonRig, V: Float64Array, tape: SkeletonTape, gPosed: Float64Array, gV: Float64Array, gAngles: Float64Array, offset: number): void {
  const P = rig.parts
  const n = V.length / 3
  const { rotation, derivatives, world, joints } = tape
  // dL/dA_b = sum_i w_ib g_i V_i^T and dL/dt_b = sum_i w_ib g_i; dL/dV_i = sum_b w_ib A_b^T g_i.
  const gA = Array.from({ length: P }, () => new Float64Array(9))
  const gt = Array.from({ length: P }, () => new Float64Array(3))
  for (let i = 0; i < n; i++) {
    const g: Vec3 = [gPosed[3 * i]!, gPosed[3 * i + 1]!, gPosed[3 * i + 2]!]
    for (let p = 0; p < P; p++) {
      const w = rig.weights[i * P + p]!
      const A = world[p]!
      for (let c = 0; c < 3; c++) gV[3 * i + c]! += w * (A[c]! * g[0] + A[3 + c]! * g[1] + A[6 + c]! * g[2])
      for (let r = 0; r < 3; r++) {
        const wg = w * g[r]!
        gt[p]![r]! += wg
        for (let c = 0; c < 3; c++) gA[p]![3 * r + c]! += wg * V[3 * i + c]!
      }
    }
  }
  // Children before parents: A_b = A_p R_b and t_b = A_p (o_b - R_b o_b) + t_p.
  for (let p = P - 1; p >= 0; p--) {
    const q = rig.parent[p]!
    const R = rotation[p]!
    const o = joints[p]!
    const Ro = mat3Apply(R, o)
    const u: Vec3 = [o[0] - Ro[0], o[1] - Ro[1], o[2] - Ro[2]]
    const Ap = q < 0 ? IDENTITY : world[q]!
    const ApT = mat3Transpose(Ap)
    const gR = [...mat3Multiply(ApT, asMat3(gA[p]!))]
    const gu = mat3Apply(ApT, [gt[p]![0]!, gt[p]![1]!, gt[p]![2]!])
    if (q >= 0) {
      const RT = mat3Transpose(R)
      const back = mat3Multiply(asMat3(gA[p]!), RT)
      for (let r = 0; r < 3; r++) {
        gt[q]![r]! += gt[p]![r]!
        for (let c = 0; c < 3; c++) gA[q]![3 * r + c]! += back[3 * r + c]! + gt[p]![r]! * u[c]!
      }
    }
    // u = (I - R) o: dL/do = (I - R)^T gu, dL/dR -= gu o^T.
    const go = [0, 1, 2].map((c) => gu[c]! - (R[c]! * gu[0] + R[3 + c]! * gu[1] + R[6 + c]! * gu[2]))
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) gR[3 * r + c]! -= gu[r]! * o[c]!
    derivatives[p]!.forEach((dR, k) => {
      let s = 0
      for (let e = 0; e < 9; e++) s += gR[e]! * dR[e]!
      gAngles[offset + ANGLES_PER_PART * p + k]! += s
    })
    for (let i = 0; i < n; i++) {
      const w = rig.jointWeights[p * n + i]!
      for (let k = 0; k < 3; k++) gV[3 * i + k]! += w * go[k]!
    }
  }
}
