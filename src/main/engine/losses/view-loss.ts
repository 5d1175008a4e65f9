import { projectPoints } from '../render/camera'
import { rasterise } from '../render/rasterise'
import { visibleVertices } from '../render/visibility'
import { AZIMUTH, ELEVATION, LOG_SCALE, ROLL, TX, TY, cameraRotation, cameraRotationDerivatives, toWeakPerspective } from '../camera/view-camera'
import { vertexNormals } from '../template/normals'
import { createGridPoint, locate, sampleScalar, scalarGradient } from './grid-sampler'
import type { ViewTarget } from './view-target'

/** One instance mesh as a view sees it. */
export interface ViewShape {
  vertexCount: number
  /** xyz triples. */
  vertices: Float64Array
  /** The same positions in float32, for the rasteriser. */
  vertices32: Float32Array
  normals: Float64Array
  faces: Uint32Array
  /** Per-vertex features compared with the image's (vertex-major, `channels` each) and their norms. */
  features: Float64Array
  featureNorms: Float64Array
}

/** A view of any mesh: positions, faces and the features its vertices carry (`channels` each). */
export function meshView(vertices: Float64Array, faces: Uint32Array, features: Float64Array, channels: number): ViewShape {
  const n = vertices.length / 3
  const featureNorms = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let c = 0; c < channels; c++) s += features[i * channels + c]! ** 2
    featureNorms[i] = Math.sqrt(s)
  }
  return { vertexCount: n, vertices, vertices32: Float32Array.from(vertices), normals: vertexNormals(vertices, faces), faces, features, featureNorms }
}

export interface LossWeights {
  dt: number
  chamfer: number
  feature: number
}

export interface ViewLoss {
  total: number
  dt: number
  chamfer: number
  feature: number
  visibleCount: number
}

/** Where gradients go; a null target is not computed. All are accumulated (+=). */
export interface ViewGrads {
  /** dL/d(the six camera parameters), at index 0. */
  camera: Float64Array | null
  vertices: Float64Array | null
  features: Float64Array | null
}

export interface VisibilityOptions {
  /** Side of the z-buffer over the crop. */
  grid: number
  /** Depth tolerance in z-buffer pixels (converted to model units with the camera's scale). */
  tolerancePixels: number
}

/**
 * Vertices that the camera sees: in front in a z-buffer of the mesh (render/rasterise) and
 * with a normal facing the camera. Outside the gradient: a constant mask per step.
 */
export function visibility(shape: ViewShape, camera: ArrayLike<number>, options: VisibilityOptions, offset = 0): Uint8Array {
  const cam = toWeakPerspective(camera, offset)
  const { grid, tolerancePixels } = options
  const tolerance = (tolerancePixels * 2) / (grid * cam.scale)
  const buffers = rasterise(shape.vertices32, shape.faces, cam, grid, grid, { barycentrics: false })
  const visible = visibleVertices(projectPoints(shape.vertices32, cam, grid, grid), buffers, tolerance)
  const [, , , , , , r6, r7, r8] = cam.rotation
  const n = shape.normals
  for (let i = 0; i < shape.vertexCount; i++) {
    if (visible[i] && r6 * n[3 * i]! + r7 * n[3 * i + 1]! + r8 * n[3 * i + 2]! >= 0) visible[i] = 0
  }
  return visible
}

const point = createGridPoint()

/** A view's camera (its rotation, scale and angles, which the backward pass needs) and the projections p = s (R V)_xy + t of its vertices, xy pairs. */
export function projectView(shape: ViewShape, camera: ArrayLike<number>, offset: number): { proj: Float64Array; R: readonly number[]; s: number; az: number; el: number; roll: number } {
  const n = shape.vertexCount
  const V = shape.vertices
  const az = camera[offset + AZIMUTH]!
  const el = camera[offset + ELEVATION]!
  const roll = camera[offset + ROLL]!
  const s = Math.exp(camera[offset + LOG_SCALE]!)
  const tx = camera[offset + TX]!
  const ty = camera[offset + TY]!
  const R = cameraRotation(az, el, roll)
  const proj = new Float64Array(2 * n)
  for (let i = 0; i < n; i++) {
    const x = V[3 * i]!
    const y = V[3 * i + 1]!
    const z = V[3 * i + 2]!
    proj[2 * i] = s * (R[0] * x + R[1] * y + R[2] * z) + tx
    proj[2 * i + 1] = s * (R[3] * x + R[4] * y + R[5] * z) + ty
  }
  return { proj, R, s, az, el, roll }
}

/**
 * The per-view loss of METHOD §9 and its gradients:
 *   w_dt * mean_i DT(p_i)^2                     (every vertex inside the mask)
 * + w_ch * mean_k min_{i visible} |q_k - p_i|^2 (sampled foreground pixels q_k are covered)
 * + w_f  * mean_{i visible} (1 - cos(Q_i, F(p_i)))
 * with p_i = s (R V_i)_xy + t, DT the distance to the foreground (extended beyond the crop by
 * the distance to it), F the bilinearly sampled image features, Q_i the vertex's features.
 * Both silhouette distances are in pixels of the mask grid (as a distance transform of the
 * 64 x 64 mask gives them), so that with weights 10 the silhouette dominates the feature term
 * (1 - cos is 0.02-0.5): measured in the crop's [-1, 1] units instead, the feature term
 * outweighed them and shrank fits of a known object by 15 % in scale (IoU 0.9 -> 0.75).
 */
export function viewLoss(
  target: ViewTarget,
  shape: ViewShape,
  camera: ArrayLike<number>,
  cameraOffset: number,
  samples: Float64Array,
  visible: Uint8Array,
  weights: LossWeights,
  grads: ViewGrads | null,
): ViewLoss {
  const n = shape.vertexCount
  const V = shape.vertices
  const { proj, R, s, az, el, roll } = projectView(shape, camera, cameraOffset)
  const gp = grads ? new Float64Array(2 * n) : null

  // Silhouette, inside: the distance map read at every projected vertex.
  const M = target.maskSize
  /** Mask pixels per normalised unit. */
  const unit = M / 2
  const lo = -1 + 1 / M
  const hi = 1 - 1 / M
  let dtSum = 0
  for (let i = 0; i < n; i++) {
    const px = proj[2 * i]!
    const py = proj[2 * i + 1]!
    const cx = Math.min(Math.max(px, lo), hi)
    const cy = Math.min(Math.max(py, lo), hi)
    locate(cx, cy, M, M, point)
    let d = sampleScalar(target.distance, point)
    const ox = px - cx
    const oy = py - cy
    const out = Math.hypot(ox, oy)
    d += out * unit
    dtSum += d * d
    if (gp && d > 0) {
      let [gx, gy] = scalarGradient(target.distance, point)
      if (out > 0) {
        gx += (unit * ox) / out
        gy += (unit * oy) / out
      }
      const k = (2 * weights.dt * d) / n
      gp[2 * i]! += k * gx
      gp[2 * i + 1]! += k * gy
    }
  }

  const vis: number[] = []
  for (let i = 0; i < n; i++) if (visible[i]) vis.push(i)

  // Silhouette, coverage: each sampled foreground pixel to its nearest visible vertex.
  let chSum = 0
  const K = samples.length / 2
  if (vis.length > 0) {
    for (let k = 0; k < K; k++) {
      const qx = samples[2 * k]!
      const qy = samples[2 * k + 1]!
      let best = Infinity
      let bi = -1
      for (const i of vis) {
        const dx = proj[2 * i]! - qx
        const dy = proj[2 * i + 1]! - qy
        const d2 = dx * dx + dy * dy
        if (d2 < best) {
          best = d2
          bi = i
        }
      }
      chSum += best * unit * unit
      if (gp) {
        const g = (2 * weights.chamfer * unit * unit) / K
        gp[2 * bi]! += g * (proj[2 * bi]! - qx)
        gp[2 * bi + 1]! += g * (proj[2 * bi + 1]! - qy)
      }
    }
  }

  // Features: visible vertices against the image features under them.
  const C = target.channels
  const cells = target.cells
  const Q = shape.features
  let ftSum = 0
  if (vis.length > 0 && weights.feature !== 0) {
    const b = new Float64Array(C)
    const gScale = weights.feature / vis.length
    for (const i of vis) {
      locate(proj[2 * i]!, proj[2 * i + 1]!, target.gridWidth, target.gridHeight, point)
      const o00 = point.c00 * C
      const o01 = point.c01 * C
      const o10 = point.c10 * C
      const o11 = point.c11 * C
      const { fx, fy } = point
      const w00 = (1 - fx) * (1 - fy)
      const w01 = fx * (1 - fy)
      const w10 = (1 - fx) * fy
      const w11 = fx * fy
      const qo = i * C
      let ab = 0
      let bb = 0
      for (let c = 0; c < C; c++) {
        const v = w00 * cells[o00 + c]! + w01 * cells[o01 + c]! + w10 * cells[o10 + c]! + w11 * cells[o11 + c]!
        b[c] = v
        ab += Q[qo + c]! * v
        bb += v * v
      }
      const na = shape.featureNorms[i]!
      const nb = Math.sqrt(bb)
      if (na < 1e-12 || nb < 1e-12) {
        ftSum += 1
        continue
      }
      const cos = ab / (na * nb)
      ftSum += 1 - cos
      if (!grads) continue
      const inv = 1 / (na * nb)
      if (gp && (point.dfx !== 0 || point.dfy !== 0)) {
        // dL/db = -g (a / (|a||b|) - cos b / |b|^2), then through the bilinear weights.
        const cb = cos / bb
        let gfx = 0
        let gfy = 0
        for (let c = 0; c < C; c++) {
          const g = -gScale * (Q[qo + c]! * inv - cb * b[c]!)
          const f00 = cells[o00 + c]!
          const f01 = cells[o01 + c]!
          const f10 = cells[o10 + c]!
          const f11 = cells[o11 + c]!
          gfx += g * ((1 - fy) * (f01 - f00) + fy * (f11 - f10))
          gfy += g * ((1 - fx) * (f10 - f00) + fx * (f11 - f01))
        }
        gp[2 * i]! += gfx * point.dfx
        gp[2 * i + 1]! += gfy * point.dfy
      }
      if (grads.features) {
        const gf = grads.features
        const ca = cos / (na * na)
        for (let c = 0; c < C; c++) gf[qo + c]! -= gScale * (b[c]! * inv - ca * Q[qo + c]!)
      }
    }
  }

  if (grads && gp) backProject(V, n, R, s, az, el, roll, gp, grads)
  const dt = dtSum / n
  const chamfer = K > 0 ? chSum / K : 0
  const feature = vis.length > 0 ? ftSum / vis.length : 0
  return {
    total: weights.dt * dt + weights.chamfer * chamfer + weights.feature * feature,
    dt,
    chamfer,
    feature,
    visibleCount: vis.length,
  }
}

/** dL/dp (per vertex, normalised xy) to the camera's six parameters and to the vertices. */
export function backProject(
  V: Float64Array,
  n: number,
  R: readonly number[],
  s: number,
  az: number,
  el: number,
  roll: number,
  gp: Float64Array,
  grads: ViewGrads,
): void {
  if (grads.camera) {
    let gtx = 0
    let gty = 0
    let gs = 0
    const gR = [0, 0, 0, 0, 0, 0]
    for (let i = 0; i < n; i++) {
      const gx = gp[2 * i]!
      const gy = gp[2 * i + 1]!
      if (gx === 0 && gy === 0) continue
      const x = V[3 * i]!
      const y = V[3 * i + 1]!
      const z = V[3 * i + 2]!
      gtx += gx
      gty += gy
      gs += gx * (R[0]! * x + R[1]! * y + R[2]! * z) + gy * (R[3]! * x + R[4]! * y + R[5]! * z)
      gR[0]! += gx * x
      gR[1]! += gx * y
      gR[2]! += gx * z
      gR[3]! += gy * x
      gR[4]! += gy * y
      gR[5]! += gy * z
    }
    cameraGradient(gR, gs, gtx, gty, s, az, el, roll, grads.camera)
  }
  if (grads.vertices) {
    const gv = grads.vertices
    for (let i = 0; i < n; i++) {
      const gx = gp[2 * i]!
      const gy = gp[2 * i + 1]!
      if (gx === 0 && gy === 0) continue
      for (let c = 0; c < 3; c++) gv[3 * i + c]! += s * (gx * R[c]! + gy * R[3 + c]!)
    }
  }
}

/**
 * Adds dL/d(the six camera parameters) to `out` from the sums over vertices of dL/dp: gR[q] =
 * sum of dL/dp_x * V (q < 3) and dL/dp_y * V (q >= 3), gs = sum of dL/dp . (R V)_xy, gtx and gty
 * the sums of dL/dp (the GPU engine reduces the same sums on the device).
 */
export function cameraGradient(gR: readonly number[], gs: number, gtx: number, gty: number, s: number, az: number, el: number, roll: number, out: Float64Array): void {
  const dR = cameraRotationDerivatives(az, el, roll)
  for (const [a, d] of [AZIMUTH, ELEVATION, ROLL].map((a) => [a, dR[a]!] as const)) {
    let g = 0
    for (let q = 0; q < 6; q++) g += s * gR[q]! * d[q]!
    out[a]! += g
  }
  out[LOG_SCALE]! += s * gs
  out[TX]! += gtx
  out[TY]! += gty
}
