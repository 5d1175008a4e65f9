/**
 * Harmonic positional encoding gamma(p) = (p, sin(2^l pi p), cos(2^l pi p)) for l < L, per
 * coordinate, as MagicPony's coordinate MLPs use: it lets a small MLP represent a field with
 * detail down to a wavelength of 2^(1-L) model units.
 */
export function fourierSize(frequencies: number): number {
  return 3 + 6 * frequencies
}

/** Encodes n points (xyz triples); layout per point: x y z, then (sin, cos) x 3 coords per level. */
export function fourierEncode(points: Float64Array, n: number, frequencies: number): Float64Array {
  const size = fourierSize(frequencies)
  const out = new Float64Array(n * size)
  for (let i = 0; i < n; i++) {
    const o = i * size
    for (let c = 0; c < 3; c++) {
      const p = points[3 * i + c]!
      out[o + c] = p
      for (let l = 0; l < frequencies; l++) {
        const a = 2 ** l * Math.PI * p
        out[o + 3 + 6 * l + 2 * c] = Math.sin(a)
        out[o + 3 + 6 * l + 2 * c + 1] = Math.cos(a)
      }
    }
  }
  return out
}

/** dL/dp from dL/dgamma, accumulated into `dPoints`. */
export function fourierBackward(points: Float64Array, n: number, frequencies: number, dEncoded: Float64Array, dPoints: Float64Array): void {
  const size = fourierSize(frequencies)
  for (let i = 0; i < n; i++) {
    const o = i * size
    for (let c = 0; c < 3; c++) {
      const p = points[3 * i + c]!
      let g = dEncoded[o + c]!
      for (let l = 0; l < frequencies; l++) {
        const f = 2 ** l * Math.PI
        const a = f * p
        g += f * (Math.cos(a) * dEncoded[o + 3 + 6 * l + 2 * c]! - Math.sin(a) * dEncoded[o + 3 + 6 * l + 2 * c + 1]!)
      }
      dPoints[3 * i + c]! += g
    }
  }
}
