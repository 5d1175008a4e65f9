/**
 * Exact Euclidean distance from every pixel centre of a binary mask to the nearest foreground
 * pixel centre (0 on the foreground), by Felzenszwalb & Huttenlocher's two 1-D passes of
 * lower envelopes of parabolas. Returns pixel units; NaN-free only when some pixel is set.
 */
export function distanceToForeground(mask: Uint8Array, width: number, height: number): Float64Array {
  const INF = 1e20
  const sq = new Float64Array(width * height)
  for (let p = 0; p < sq.length; p++) sq[p] = mask[p] ? 0 : INF
  const n = Math.max(width, height)
  const f = new Float64Array(n)
  const d = new Float64Array(n)
  const v = new Int32Array(n)
  const z = new Float64Array(n + 1)
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = sq[y * width + x]!
    envelope(f, height, d, v, z)
    for (let y = 0; y < height; y++) sq[y * width + x] = d[y]!
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) f[x] = sq[y * width + x]!
    envelope(f, width, d, v, z)
    for (let x = 0; x < width; x++) sq[y * width + x] = d[x]!
  }
  for (let p = 0; p < sq.length; p++) sq[p] = Math.sqrt(sq[p]!)
  return sq
}

/** d[q] = min over p of (q - p)^2 + f[p], for q < n. */
function envelope(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0
  v[0] = 0
  z[0] = -Infinity
  z[1] = Infinity
  for (let q = 1; q < n; q++) {
    let s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!)
    while (s <= z[k]!) {
      k--
      s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!)
    }
    k++
    v[k] = q
    z[k] = s
    z[k + 1] = Infinity
  }
  k = 0
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++
    const dq = q - v[k]!
    d[q] = dq * dq + f[v[k]!]!
  }
}
