import { pixelIndexAt } from './buffers'
import type { RasterBuffers } from './buffers'

/**
 * Per point of `projected` (x, y, depth triples from projectPoints): 1 when it falls inside
 * the buffer and is not behind the rasterised surface there by more than `tolerance` (depth
 * units of the camera), else 0. A vertex of the rasterised mesh sits on that surface, so the
 * tolerance only has to absorb the depth change across one pixel.
 */
export function visibleVertices(projected: Float32Array, buffers: RasterBuffers, tolerance: number): Uint8Array {
  const n = Math.floor(projected.length / 3)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const p = pixelIndexAt(buffers.width, buffers.height, projected[3 * i]!, projected[3 * i + 1]!)
    if (p >= 0 && projected[3 * i + 2]! <= buffers.depth[p]! + tolerance) out[i] = 1
  }
  return out
}
