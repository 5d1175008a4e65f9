import type { WeakPerspectiveCamera } from '../render/camera'
import { dRotationX, dRotationY, dRotationZ, mat3Multiply, rotationX, rotationY, rotationZ } from '../render/mat3'
import type { Mat3 } from '../render/mat3'

/**
 * A camera as the optimiser sees it: six numbers [azimuth, elevation, roll, log-scale, tx, ty].
 * Rotation R = Rz(roll) Rx(elevation) Ry(azimuth) B0, where B0 = diag(1, -1, -1) turns the model
 * frame (x lateral, y up, z forward) into the renderer's camera frame (x right, y down, z away):
 * at azimuth 0 the object faces the viewer, positive azimuth shows more of its left side (+x),
 * positive elevation looks from above. Projection p = exp(log-scale) (R V)_xy + (tx, ty) in the
 * crop's normalised coordinates ([-1, 1] across the crop), depth (R V)_z, smaller is nearer.
 */
export const CAMERA_SIZE = 6

export const AZIMUTH = 0
export const ELEVATION = 1
export const ROLL = 2
export const LOG_SCALE = 3
export const TX = 4
export const TY = 5

const B0: Mat3 = [1, 0, 0, 0, -1, 0, 0, 0, -1]

const chain = (z: Mat3, x: Mat3, y: Mat3): Mat3 => mat3Multiply(z, mat3Multiply(x, mat3Multiply(y, B0)))

export function cameraRotation(az: number, el: number, roll: number): Mat3 {
  return chain(rotationZ(roll), rotationX(el), rotationY(az))
}

/** dR/d(azimuth), dR/d(elevation), dR/d(roll). */
export function cameraRotationDerivatives(az: number, el: number, roll: number): [Mat3, Mat3, Mat3] {
  const z = rotationZ(roll)
  const x = rotationX(el)
  const y = rotationY(az)
  return [chain(z, x, dRotationY(az)), chain(z, dRotationX(el), y), chain(dRotationZ(roll), x, y)]
}

/**
 * The camera that sees a bilaterally symmetric shape with the same silhouette: R' = D R M
 * (M mirrors x in the model, D flips depth) equals Rz(roll) Rx(-el) Ry(pi - az) B0, and it
 * projects vertex i where this camera projects vertex mirror(i), seen from the other side
 * (front <-> back at the same side view). Scale and translation are unchanged.
 */
export function mirrorCamera(params: ArrayLike<number>, offset = 0, out: Float64Array = new Float64Array(CAMERA_SIZE)): Float64Array {
  for (let k = 0; k < CAMERA_SIZE; k++) out[k] = params[offset + k]!
  out[AZIMUTH] = wrapAngle(Math.PI - params[offset + AZIMUTH]!)
  out[ELEVATION] = -params[offset + ELEVATION]!
  return out
}

/** The camera turned half a circle about the vertical axis: front and back swapped, scale and translation unchanged. */
export function turnCamera(params: ArrayLike<number>, offset = 0, out: Float64Array = new Float64Array(CAMERA_SIZE)): Float64Array {
  for (let k = 0; k < CAMERA_SIZE; k++) out[k] = params[offset + k]!
  out[AZIMUTH] = wrapAngle(params[offset + AZIMUTH]! + Math.PI)
  return out
}

/** Angle in (-pi, pi]. */
export function wrapAngle(a: number): number {
  const w = a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI))
  return w === -Math.PI ? Math.PI : w
}

/** The renderer's camera for these parameters. */
export function toWeakPerspective(params: ArrayLike<number>, offset = 0): WeakPerspectiveCamera {
  return {
    kind: 'weak-perspective',
    rotation: cameraRotation(params[offset + AZIMUTH]!, params[offset + ELEVATION]!, params[offset + ROLL]!),
    scale: Math.exp(params[offset + LOG_SCALE]!),
    translation: [params[offset + TX]!, params[offset + TY]!],
  }
}

/** The parameters a fit's pose and renderer camera were made from (toWeakPerspective's inverse). */
export function cameraParams(pose: { azimuth: number; elevation: number; roll: number }, camera: WeakPerspectiveCamera): Float64Array {
  const out = new Float64Array(CAMERA_SIZE)
  out[AZIMUTH] = pose.azimuth
  out[ELEVATION] = pose.elevation
  out[ROLL] = pose.roll
  out[LOG_SCALE] = Math.log(camera.scale)
  out[TX] = camera.translation[0]
  out[TY] = camera.translation[1]
  return out
}
