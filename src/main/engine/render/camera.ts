import { cross, mat3Apply, normalize, sub } from './mat3'
import type { Mat3, Vec3 } from './mat3'

/**
 * Image coordinates everywhere in this module are continuous pixels: pixel (i, j) covers
 * [i, i+1) x [j, j+1), so its centre is (i + 0.5, j + 0.5) and x grows right, y grows down.
 */

/**
 * Pinhole camera in the OpenCV convention (camera x right, y down, z forward):
 * Xc = R X + t, u = fx Xc/Zc + cx, v = fy Yc/Zc + cy. Depth is Zc.
 */
export interface PerspectiveCamera {
  kind: 'perspective'
  rotation: Mat3
  translation: Vec3
  fx: number
  fy: number
  cx: number
  cy: number
  /** Triangles with a vertex at depth <= near are dropped whole: there is no clipping. */
  near?: number
}

/**
 * The engine's camera: p = s (R V)_xy + t in normalised crop coordinates, where [-1, 1]
 * spans the buffer's width (x) and height (y). Axes as the pinhole's: x right, y down, z away
 * from the viewer, so depth is (R V)_z (smaller is nearer) in model units, and a visibility
 * tolerance means the same thing whatever the scale.
 */
export interface WeakPerspectiveCamera {
  kind: 'weak-perspective'
  rotation: Mat3
  scale: number
  translation: readonly [number, number]
}

export type Camera = PerspectiveCamera | WeakPerspectiveCamera

export const DEFAULT_NEAR = 1e-6

/**
 * Projects N points (xyz triples) to (x, y, depth) triples in pixels of a width x height
 * buffer. Points behind a perspective camera get NaN coordinates so that every inside-image
 * test rejects them.
 */
export function projectPoints(points: Float32Array, camera: Camera, width: number, height: number): Float32Array {
  const n = Math.floor(points.length / 3)
  const out = new Float32Array(n * 3)
  const [r0, r1, r2, r3, r4, r5, r6, r7, r8] = camera.rotation
  if (camera.kind === 'perspective') {
    const [tx, ty, tz] = camera.translation
    const { fx, fy, cx, cy } = camera
    const near = camera.near ?? DEFAULT_NEAR
    for (let i = 0; i < n; i++) {
      const x = points[3 * i]!
      const y = points[3 * i + 1]!
      const z = points[3 * i + 2]!
      const zc = r6 * x + r7 * y + r8 * z + tz
      const inFront = zc > near
      out[3 * i] = inFront ? (fx * (r0 * x + r1 * y + r2 * z + tx)) / zc + cx : NaN
      out[3 * i + 1] = inFront ? (fy * (r3 * x + r4 * y + r5 * z + ty)) / zc + cy : NaN
      out[3 * i + 2] = zc
    }
    return out
  }
  const { scale: s } = camera
  const [tx, ty] = camera.translation
  const hx = width / 2
  const hy = height / 2
  for (let i = 0; i < n; i++) {
    const x = points[3 * i]!
    const y = points[3 * i + 1]!
    const z = points[3 * i + 2]!
    out[3 * i] = (s * (r0 * x + r1 * y + r2 * z) + tx + 1) * hx
    out[3 * i + 1] = (s * (r3 * x + r4 * y + r5 * z) + ty + 1) * hy
    out[3 * i + 2] = r6 * x + r7 * y + r8 * z
  }
  return out
}

/**
 * World-to-camera pose of a camera at `eye` looking at `target`, world +y up, turned by
 * `roll` radians about its viewing axis. The target's image is then the principal point.
 */
export function lookAt(eye: Vec3, target: Vec3, roll = 0): { rotation: Mat3; translation: Vec3 } {
  const forward = normalize(sub(target, eye))
  const worldUp: Vec3 = Math.abs(forward[1]) < 0.999 ? [0, 1, 0] : [0, 0, 1]
  const right0 = normalize(cross(forward, worldUp))
  const down0 = cross(forward, right0)
  const c = Math.cos(roll)
  const s = Math.sin(roll)
  const right: Vec3 = [c * right0[0] + s * down0[0], c * right0[1] + s * down0[1], c * right0[2] + s * down0[2]]
  const down = cross(forward, right)
  const rotation: Mat3 = [...right, ...down, ...forward]
  const r = mat3Apply(rotation, eye)
  return { rotation, translation: [-r[0], -r[1], -r[2]] }
}
