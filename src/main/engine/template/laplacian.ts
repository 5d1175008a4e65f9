import type { Template } from './template'

/** Uniform graph Laplacian of a per-vertex 3-vector field: (L X)_i = X_i - mean of X over i's neighbours. */
export function laplacian(template: Template, x: Float64Array): Float64Array {
  const { vertexCount: n, neighbourStart, neighbours } = template
  const out = new Float64Array(3 * n)
  for (let i = 0; i < n; i++) {
    const s = neighbourStart[i]!
    const e = neighbourStart[i + 1]!
    const inv = 1 / (e - s)
    for (let c = 0; c < 3; c++) {
      let mean = 0
      for (let k = s; k < e; k++) mean += x[3 * neighbours[k]! + c]!
      out[3 * i + c] = x[3 * i + c]! - mean * inv
    }
  }
  return out
}

/**
 * Smoothness energy mean_i |(L X)_i|^2; its gradient 2/n L^T L X is accumulated into `grad`
 * times `weight`. Returns weight * energy. Adjacency is symmetric, so (L^T Y)_j =
 * Y_j - sum over neighbours i of Y_i / deg(i).
 */
export function laplacianEnergy(template: Template, x: Float64Array, weight: number, grad: Float64Array | null): number {
  const { vertexCount: n, neighbourStart, neighbours } = template
  const lx = laplacian(template, x)
  let energy = 0
  for (let q = 0; q < lx.length; q++) energy += lx[q]! * lx[q]!
  energy /= n
  if (grad) {
    const scale = (2 * weight) / n
    for (let j = 0; j < n; j++) {
      for (let c = 0; c < 3; c++) {
        let g = lx[3 * j + c]!
        for (let k = neighbourStart[j]!; k < neighbourStart[j + 1]!; k++) {
          const i = neighbours[k]!
          g -= lx[3 * i + c]! / (neighbourStart[i + 1]! - neighbourStart[i]!)
        }
        grad[3 * j + c]! += scale * g
      }
    }
  }
  return weight * energy
}
