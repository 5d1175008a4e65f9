import { createRasterBuffers } from './buffers'
import type { RasterBuffers } from './buffers'
import { DEFAULT_NEAR, projectPoints } from './camera'
import type { Camera } from './camera'

/**
 * Vertices are snapped to 1/256 pixel and edge functions are evaluated in integers (exact in
 * doubles), so an edge shared by two triangles gives exactly opposite values in both and the
 * top-left rule hands each pixel on it to exactly one of them: no cracks, no double coverage.
 */
const SUBPIXEL = 256
const HALF_PIXEL = SUBPIXEL / 2
/** Beyond this many pixels the fixed-point products could exceed 2^53; such triangles are dropped. */
const MAX_COORD = 65536

export interface RasteriseOptions {
  /** Default true; the z-buffer alone (visibility) does not need them. */
  barycentrics?: boolean
}

/**
 * Z-buffer rasterisation of a triangle mesh: positions are N x 3 floats, faces F x 3 vertex
 * indices. Samples at pixel centres; the nearer surface wins (strictly nearer: on equal depth
 * the face drawn first stays).
 */
export function rasterise(
  positions: Float32Array,
  faces: Uint32Array,
  camera: Camera,
  width: number,
  height: number,
  options: RasteriseOptions = {},
): RasterBuffers {
  const buffers = createRasterBuffers(width, height, options.barycentrics ?? true)
  rasteriseInto(buffers, positions, faces, camera)
  return buffers
}

function isTopLeft(dx: number, dy: number): boolean {
  // With y down and the interior on the positive side, a left edge goes up and a top edge goes right.
  return dy < 0 || (dy === 0 && dx > 0)
}

/**
 * Draws a mesh into existing buffers, depth-tested against what is already there, so that
 * several meshes (an object, then its occluders) share one z-buffer. Face ids are written
 * as `faceIdOffset + face index` to tell the meshes apart.
 */
export function rasteriseInto(
  buffers: RasterBuffers,
  positions: Float32Array,
  faces: Uint32Array,
  camera: Camera,
  faceIdOffset = 0,
): void {
  const { width, height, depth, faceId, barycentric } = buffers
  const projected = projectPoints(positions, camera, width, height)
  const perspective = camera.kind === 'perspective'
  const near = perspective ? (camera.near ?? DEFAULT_NEAR) : -Infinity
  const vertexCount = Math.floor(positions.length / 3)
  const faceCount = Math.floor(faces.length / 3)
  for (let f = 0; f < faceCount; f++) {
    const ia = faces[3 * f]!
    const ib = faces[3 * f + 1]!
    const ic = faces[3 * f + 2]!
    if (ia >= vertexCount || ib >= vertexCount || ic >= vertexCount) {
      throw new RangeError(`face ${f} refers to a vertex beyond ${vertexCount}`)
    }
    const ax = projected[3 * ia]!
    const ay = projected[3 * ia + 1]!
    const za = projected[3 * ia + 2]!
    const bx = projected[3 * ib]!
    const by = projected[3 * ib + 1]!
    let zb = projected[3 * ib + 2]!
    const cx = projected[3 * ic]!
    const cy = projected[3 * ic + 1]!
    let zc = projected[3 * ic + 2]!
    if (!(za > near && zb > near && zc > near)) continue
    if (!(Math.max(Math.abs(ax), Math.abs(ay), Math.abs(bx), Math.abs(by), Math.abs(cx), Math.abs(cy)) < MAX_COORD)) continue
    const xa = Math.round(ax * SUBPIXEL)
    const ya = Math.round(ay * SUBPIXEL)
    let xb = Math.round(bx * SUBPIXEL)
    let yb = Math.round(by * SUBPIXEL)
    let xc = Math.round(cx * SUBPIXEL)
    let yc = Math.round(cy * SUBPIXEL)
    let area = (xb - xa) * (yc - ya) - (yb - ya) * (xc - xa)
    if (area === 0) continue
    // Either winding is drawn; the output slots keep the weights in the face's own order.
    let slotB = 1
    let slotC = 2
    if (area < 0) {
      let t = xb
      xb = xc
      xc = t
      t = yb
      yb = yc
      yc = t
      t = zb
      zb = zc
      zc = t
      slotB = 2
      slotC = 1
      area = -area
    }
    const minX = Math.max(0, Math.ceil((Math.min(xa, xb, xc) - HALF_PIXEL) / SUBPIXEL))
    const maxX = Math.min(width - 1, Math.floor((Math.max(xa, xb, xc) - HALF_PIXEL) / SUBPIXEL))
    const minY = Math.max(0, Math.ceil((Math.min(ya, yb, yc) - HALF_PIXEL) / SUBPIXEL))
    const maxY = Math.min(height - 1, Math.floor((Math.max(ya, yb, yc) - HALF_PIXEL) / SUBPIXEL))
    if (minX > maxX || minY > maxY) continue

    // Edge i is the one opposite vertex i; its function is that vertex's unnormalised weight.
    const d0x = xc - xb
    const d0y = yc - yb
    const d1x = xa - xc
    const d1y = ya - yc
    const d2x = xb - xa
    const d2y = yb - ya
    const bias0 = isTopLeft(d0x, d0y) ? 0 : -1
    const bias1 = isTopLeft(d1x, d1y) ? 0 : -1
    const bias2 = isTopLeft(d2x, d2y) ? 0 : -1
    const sx = minX * SUBPIXEL + HALF_PIXEL
    const sy = minY * SUBPIXEL + HALF_PIXEL
    let row0 = d0x * (sy - yb) - d0y * (sx - xb) + bias0
    let row1 = d1x * (sy - yc) - d1y * (sx - xc) + bias1
    let row2 = d2x * (sy - ya) - d2y * (sx - xa) + bias2
    const step0x = -d0y * SUBPIXEL
    const step1x = -d1y * SUBPIXEL
    const step2x = -d2y * SUBPIXEL
    const step0y = d0x * SUBPIXEL
    const step1y = d1x * SUBPIXEL
    const step2y = d2x * SUBPIXEL
    const invArea = 1 / area
    const iza = 1 / za
    const izb = 1 / zb
    const izc = 1 / zc
    const id = f + faceIdOffset

    for (let y = minY; y <= maxY; y++) {
      let w0 = row0
      let w1 = row1
      let w2 = row2
      const rowStart = y * width
      for (let x = minX; x <= maxX; x++) {
        if (w0 >= 0 && w1 >= 0 && w2 >= 0) {
          let q0 = (w0 - bias0) * invArea
          let q1 = (w1 - bias1) * invArea
          let q2 = (w2 - bias2) * invArea
          let d: number
          if (perspective) {
            // Screen-space weights interpolate 1/z linearly; dividing by it makes them
            // the weights of the 3-D surface point.
            q0 *= iza
            q1 *= izb
            q2 *= izc
            d = 1 / (q0 + q1 + q2)
            q0 *= d
            q1 *= d
            q2 *= d
          } else {
            d = q0 * za + q1 * zb + q2 * zc
          }
          const p = rowStart + x
          if (d < depth[p]!) {
            depth[p] = d
            faceId[p] = id
            if (barycentric !== null) {
              barycentric[3 * p] = q0
              barycentric[3 * p + slotB] = q1
              barycentric[3 * p + slotC] = q2
            }
          }
        }
        w0 += step0x
        w1 += step1x
        w2 += step2x
      }
      row0 += step0y
      row1 += step1y
      row2 += step2y
    }
  }
}
