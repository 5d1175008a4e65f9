/** What a rasterisation leaves per pixel, row-major, pixel index = y * width + x. */
export interface RasterBuffers {
  width: number
  height: number
  /** Depth of the nearest surface (see the camera for its unit); +Infinity where empty. */
  depth: Float32Array
  /** Index of the nearest face (plus the offset it was drawn with); -1 where empty. */
  faceId: Int32Array
  /**
   * Three weights per pixel for the face's three vertices in the order the face lists them;
   * they sum to 1 and are perspective-correct. Null when the caller asked for none.
   */
  barycentric: Float32Array | null
}

export function createRasterBuffers(width: number, height: number, withBarycentrics = true): RasterBuffers {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`raster size must be positive integers, got ${width}x${height}`)
  }
  const n = width * height
  return {
    width,
    height,
    depth: new Float32Array(n).fill(Infinity),
    faceId: new Int32Array(n).fill(-1),
    barycentric: withBarycentrics ? new Float32Array(n * 3) : null,
  }
}

/** Index of the pixel that contains the continuous image point (x, y), or -1 outside. */
export function pixelIndexAt(width: number, height: number, x: number, y: number): number {
  // Negated comparisons so that NaN (a point behind the camera) lands outside.
  if (!(x >= 0 && x < width && y >= 0 && y < height)) return -1
  return Math.floor(y) * width + Math.floor(x)
}

export interface SurfaceHit {
  faceId: number
  depth: number
  barycentric: readonly [number, number, number]
}

/** The surface point seen at continuous image point (x, y): face and barycentric weights. */
export function surfaceAt(buffers: RasterBuffers, x: number, y: number): SurfaceHit | null {
  const p = pixelIndexAt(buffers.width, buffers.height, x, y)
  if (p < 0) return null
  const faceId = buffers.faceId[p]!
  if (faceId < 0) return null
  const b = buffers.barycentric
  if (b === null) throw new Error('surfaceAt needs buffers rasterised with barycentrics')
  return { faceId, depth: buffers.depth[p]!, barycentric: [b[3 * p]!, b[3 * p + 1]!, b[3 * p + 2]!] }
}
