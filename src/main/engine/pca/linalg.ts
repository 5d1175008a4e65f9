/**
 * Small dense linear algebra for the engine (the PCA, the viewpoint regression, the skeleton's
 * joints): rows of a row-major matrix are contiguous, so the PCA's tall-and-skinny factors are
 * stored transposed (one row per column vector).
 */

/** Modified Gram-Schmidt on the rows of a (rows x len) matrix, twice for orthogonality to rounding. */
export function orthonormaliseRows(m: Float64Array, rows: number, len: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let r = 0; r < rows; r++) {
      const ro = r * len
      for (let q = 0; q < r; q++) {
        const qo = q * len
        let dot = 0
        for (let k = 0; k < len; k++) dot += m[ro + k]! * m[qo + k]!
        for (let k = 0; k < len; k++) m[ro + k]! -= dot * m[qo + k]!
      }
      let norm = 0
      for (let k = 0; k < len; k++) norm += m[ro + k]! * m[ro + k]!
      norm = Math.sqrt(norm)
      // A vector in the span of the previous ones: leave it zero rather than amplify rounding.
      const inv = norm > 1e-10 ? 1 / norm : 0
      for (let k = 0; k < len; k++) m[ro + k]! *= inv
    }
  }
}

/**
 * Eigen-decomposition of a symmetric n x n matrix by cyclic Jacobi rotations. Returns the
 * eigenvalues in descending order and the eigenvectors as the rows of `vectors`.
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a)
  const v = new Float64Array(n * n)
  for (let i = 0; i < n; i++) v[i * n + i] = 1
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    let diag = 0
    for (let p = 0; p < n; p++) {
      diag += m[p * n + p]! * m[p * n + p]!
      for (let q = p + 1; q < n; q++) off += m[p * n + q]! * m[p * n + q]!
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!
        if (apq === 0) continue
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]!
          const mkq = m[k * n + q]!
          m[k * n + p] = c * mkp - s * mkq
          m[k * n + q] = s * mkp + c * mkq
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]!
          const mqk = m[q * n + k]!
          m[p * n + k] = c * mpk - s * mqk
          m[q * n + k] = s * mpk + c * mqk
        }
        // Eigenvectors as rows: row p and row q rotate together.
        for (let k = 0; k < n; k++) {
          const vpk = v[p * n + k]!
          const vqk = v[q * n + k]!
          v[p * n + k] = c * vpk - s * vqk
          v[q * n + k] = s * vpk + c * vqk
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j]! - m[i * n + i]!)
  const values = new Float64Array(n)
  const vectors = new Float64Array(n * n)
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src]!
    vectors.set(v.subarray(src * n, src * n + n), dst * n)
  })
  return { values, vectors }
}

/** The inverse of a symmetric positive definite m x m matrix (Gauss-Jordan, no pivoting: the callers' matrices are well conditioned). */
export function invertSymmetric(a: Float64Array, m: number): Float64Array {
  const w = Float64Array.from(a)
  const inv = new Float64Array(m * m)
  for (let i = 0; i < m; i++) inv[i * m + i] = 1
  for (let c = 0; c < m; c++) {
    const p = w[c * m + c]!
    for (let k = 0; k < m; k++) {
      w[c * m + k]! /= p
      inv[c * m + k]! /= p
    }
    for (let r = 0; r < m; r++) {
      if (r === c) continue
      const f = w[r * m + c]!
      if (f === 0) continue
      for (let k = 0; k < m; k++) {
        w[r * m + k]! -= f * w[c * m + k]!
        inv[r * m + k]! -= f * inv[c * m + k]!
      }
    }
  }
  return inv
}
