import { AZIMUTH, CAMERA_SIZE, ELEVATION, LOG_SCALE, ROLL, TX, TY, cameraRotation } from '../camera/view-camera'
import { DEFAULT_ELLIPSOID } from '../template/template'
import type { Ellipsoid } from '../template/template'

/**
 * The starting ellipsoid from the training masks' boxes (normalised x1, y1, x2, y2). Seen from
 * a camera at azimuth a an ellipsoid's box is up high and sqrt(forward^2 sin^2 a + lateral^2
 * cos^2 a) wide, so over a collection seen from all round its height/width runs from up/forward
 * (side views) to up/lateral (front and back views), and azimuths spread round the circle put
 * most boxes near those two ends. The lower quartile of height/width estimates up/forward;
 * with `lateral` the upper quartile estimates up/lateral, otherwise the lateral axis keeps the
 * default proportion (a compact animal's).
 */
export function ellipsoidFromBoxes(boxes: readonly (readonly [number, number, number, number])[], lateral = false): Ellipsoid {
  const ratios = boxes.map(([x1, y1, x2, y2]) => (y2 - y1) / Math.max(x2 - x1, 1e-6)).sort((a, b) => a - b)
  if (ratios.length === 0) return DEFAULT_ELLIPSOID
  const clamp = (a: number): number => Math.min(Math.max(a, 0.2), 2)
  const up = clamp(ratios[Math.floor((ratios.length - 1) / 4)]!)
  const side = lateral ? clamp(up / ratios[Math.ceil((3 * (ratios.length - 1)) / 4)]!) : DEFAULT_ELLIPSOID[0]
  return [side, up, 1]
}

/**
 * Writes `hypotheses` cameras evenly spaced in azimuth (the first at 0, facing the viewer), at
 * the given elevation, each scaled and moved so that the shape's projected box has the mask
 * box's centre and diagonal.
 */
export function initialCameras(
  vertices: Float64Array,
  box: readonly [number, number, number, number],
  hypotheses: number,
  elevation: number,
  out: Float32Array,
  offset: number,
): void {
  const n = vertices.length / 3
  const [bx1, by1, bx2, by2] = box
  for (let h = 0; h < hypotheses; h++) {
    const az = (2 * Math.PI * h) / hypotheses
    const R = cameraRotation(az, elevation, 0)
    let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity]
    for (let i = 0; i < n; i++) {
      const x = R[0] * vertices[3 * i]! + R[1] * vertices[3 * i + 1]! + R[2] * vertices[3 * i + 2]!
      const y = R[3] * vertices[3 * i]! + R[4] * vertices[3 * i + 1]! + R[5] * vertices[3 * i + 2]!
      x1 = Math.min(x1, x)
      x2 = Math.max(x2, x)
      y1 = Math.min(y1, y)
      y2 = Math.max(y2, y)
    }
    const s = Math.hypot(bx2 - bx1, by2 - by1) / Math.max(Math.hypot(x2 - x1, y2 - y1), 1e-9)
    const o = offset + h * CAMERA_SIZE
    out[o + AZIMUTH] = az > Math.PI ? az - 2 * Math.PI : az
    out[o + ELEVATION] = elevation
    out[o + ROLL] = 0
    out[o + LOG_SCALE] = Math.log(s)
    out[o + TX] = (bx1 + bx2) / 2 - (s * (x1 + x2)) / 2
    out[o + TY] = (by1 + by2) / 2 - (s * (y1 + y2)) / 2
  }
}
