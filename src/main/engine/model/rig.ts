import { dRotationX, dRotationY, dRotationZ, mat3Multiply, rotationX, rotationY, rotationZ } from '../render/mat3'
import type { Mat3 } from '../render/mat3'

/** What the two rigs (model/articulation's clusters, model/skeleton's bones) share. */

/** Angles per part: rotations about x, y, z in radians. */
export const ANGLES_PER_PART = 3

/**
 * Softness of the skinning: the Gaussian's variance is this fraction of the mean squared
 * distance from a vertex to its nearest part, so that a vertex halfway between two parts
 * follows both and one near a part follows it almost alone.
 */
const SKIN_VARIANCE = 0.5

/** Skinning weights (vertex, part), rows summing to 1, from the squared distances `dist2` (vertex, part). */
export function skinningWeights(dist2: Float64Array, n: number, parts: number): Float64Array {
  let spread = 0
  for (let i = 0; i < n; i++) {
    let d = Infinity
    for (let p = 0; p < parts; p++) d = Math.min(d, dist2[i * parts + p]!)
    spread += d / n
  }
  const variance = SKIN_VARIANCE * Math.max(spread, 1e-12)
  const weights = new Float64Array(n * parts)
  for (let i = 0; i < n; i++) {
    let d0 = Infinity
    for (let p = 0; p < parts; p++) d0 = Math.min(d0, dist2[i * parts + p]!)
    let total = 0
    for (let p = 0; p < parts; p++) {
      // Relative to the nearest part, so that the exponent never underflows every part at once.
      const w = Math.exp(-(dist2[i * parts + p]! - d0) / (2 * variance))
      weights[i * parts + p] = w
      total += w
    }
    for (let p = 0; p < parts; p++) weights[i * parts + p]! /= total
  }
  return weights
}

/** Part p's rotation R = Rz(c) Ry(b) Rx(a) for angles[offset + 3p ..], and dR/da, dR/db, dR/dc. */
export function partRotation(angles: ArrayLike<number>, offset: number, p: number): { rotation: Mat3; derivatives: [Mat3, Mat3, Mat3] } {
  const [a, b, c] = [0, 1, 2].map((k) => angles[offset + ANGLES_PER_PART * p + k]!) as [number, number, number]
  const [rx, ry, rz] = [rotationX(a), rotationY(b), rotationZ(c)]
  return {
    rotation: mat3Multiply(rz, mat3Multiply(ry, rx)),
    derivatives: [mat3Multiply(rz, mat3Multiply(ry, dRotationX(a))), mat3Multiply(rz, mat3Multiply(dRotationY(b), rx)), mat3Multiply(dRotationZ(c), mat3Multiply(ry, rx))],
  }
}
