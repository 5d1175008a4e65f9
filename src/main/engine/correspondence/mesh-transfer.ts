import { surfaceAt } from '../render/buffers'
import { rasterise } from '../render/rasterise'
import type { MeshFit } from '../infer/fit-image'

export interface MeshTransferOptions {
  /**
   * 'face' (default, METHOD §6): the surface point under the source keypoint (the rasterised
   * face and its barycentric weights), projected by the target fit; the nearest visible
   * projected vertex where no face is hit. 'idw' (METHOD §9's probe): the 3 visible projected
   * vertices nearest the keypoint, inverse-distance weights, the same weights on the target's
   * projections.
   */
  method?: 'face' | 'idw'
  /** Side of the source raster in pixels (default: the crop size, i.e. one raster pixel per crop pixel). */
  rasterSize?: number
}

type Xy = readonly [number, number]

/**
 * Keypoint transfer through the mesh: source crop pixels in, target crop pixels out (null only
 * when the source fit has no visible vertex to fall back on). Both fits must come from the same
 * category model, so vertex i is the same surface point in both.
 */
export function meshTransfer(src: MeshFit, trg: MeshFit, srcPoints: readonly Xy[], options: MeshTransferOptions = {}): ([number, number] | null)[] {
  if (src.vertices.length !== trg.vertices.length) throw new RangeError('meshTransfer: the fits come from different templates')
  if ((options.method ?? 'face') === 'idw') return srcPoints.map((p) => inverseDistance(src, trg, p, 3))
  const size = options.rasterSize ?? Math.max(1, Math.round(src.cropSize))
  const buffers = rasterise(src.vertices, src.faces, src.camera, size, size)
  const toRaster = size / src.cropSize
  return srcPoints.map(([x, y]) => {
    const hit = surfaceAt(buffers, x * toRaster, y * toRaster)
    if (!hit) return inverseDistance(src, trg, [x, y], 1)
    let tx = 0
    let ty = 0
    for (let k = 0; k < 3; k++) {
      const v = src.faces[3 * hit.faceId + k]!
      tx += hit.barycentric[k]! * trg.projected[2 * v]!
      ty += hit.barycentric[k]! * trg.projected[2 * v + 1]!
    }
    return [tx, ty]
  })
}

/** The k visible source vertices nearest p, weighted by inverse distance, read in the target. */
function inverseDistance(src: MeshFit, trg: MeshFit, [x, y]: Xy, k: number): [number, number] | null {
  const nearest: { i: number; d: number }[] = []
  for (let i = 0; i < src.visible.length; i++) {
    if (!src.visible[i]) continue
    const d = Math.hypot(src.projected[2 * i]! - x, src.projected[2 * i + 1]! - y)
    if (nearest.length < k || d < nearest[nearest.length - 1]!.d) {
      nearest.push({ i, d })
      nearest.sort((a, b) => a.d - b.d)
      if (nearest.length > k) nearest.pop()
    }
  }
  if (nearest.length === 0) return null
  // A keypoint on a vertex takes that vertex exactly.
  if (nearest[0]!.d < 1e-9) return [trg.projected[2 * nearest[0]!.i]!, trg.projected[2 * nearest[0]!.i + 1]!]
  let sw = 0
  let tx = 0
  let ty = 0
  for (const { i, d } of nearest) {
    const w = 1 / d
    sw += w
    tx += w * trg.projected[2 * i]!
    ty += w * trg.projected[2 * i + 1]!
  }
  return [tx / sw, ty / sw]
}
