import { BETA1, BETA2, EPS } from '../math/adam'
import type { Param } from '../math/adam'
import type { Template } from '../template/template'

/**
 * Nicolet, Jacobson and Jakob, "Large Steps in Inverse Rendering of Geometry" (SIGGRAPH Asia
 * 2021): the canonical shape x (or the deformation basis, column by column) is optimised
 * as u = (I + lambda L) x, L the template's combinatorial Laplacian, with their uniform Adam
 * (each entry's first moment over the largest second moment). Per-vertex Adam moves every
 * vertex by about the learning rate whatever its gradient's size, which folds the surface
 * (docs/experiments/smooth-shape.md); here a step's high frequencies are damped by
 * 1 / (1 + lambda mu) while the smooth ones pass whole, so the shape can move far and stay smooth.
 *
 * x stays the parameter's value (what every reader of the shape and the checkpoint see), the
 * moments live in u's coordinates: dL/du = M^-1 dL/dx and a step du moves x by M^-1 du, M
 * symmetric. The solves are deterministic, so a resumed run continues bit for bit.
 */
export function largeStep(param: Param, template: Template, lambda: number): void {
  const solve = (b: Float64Array): Float64Array => solveSmoothing(template, lambda, b)
  const { value, grad, m, v, steps } = param
  if (value.length % template.vertexCount !== 0) throw new RangeError(`${param.name}: ${value.length} values are not rows of the template's ${template.vertexCount} vertices`)
  if (param.rows !== 1) throw new RangeError(`${param.name}: the large-steps update takes one row, not ${param.rows}`)
  const t = steps[0]! + 1
  steps[0] = t
  const gu = solve(grad)
  let largest = 0
  for (let i = 0; i < gu.length; i++) {
    m[i] = BETA1 * m[i]! + (1 - BETA1) * gu[i]!
    v[i] = BETA2 * v[i]! + (1 - BETA2) * gu[i]! * gu[i]!
    largest = Math.max(largest, v[i]!)
  }
  const scale = param.lr / (1 - BETA1 ** t) / (Math.sqrt(largest / (1 - BETA2 ** t)) + EPS)
  const du = new Float64Array(m.length)
  for (let i = 0; i < du.length; i++) du[i] = -scale * m[i]!
  const dx = solve(du)
  for (let i = 0; i < value.length; i++) value[i] = value[i]! + dx[i]!
  grad.fill(0)
}

/**
 * (M X)_i = X_i + lambda (deg(i) X_i - sum of X over i's neighbours), per value of each vertex's
 * row: xyz for the shape, xyz x K for the deformation basis.
 */
export function smoothingProduct(template: Template, lambda: number, x: Float64Array): Float64Array {
  const { vertexCount: n, neighbourStart, neighbours } = template
  const width = x.length / n
  const out = new Float64Array(x.length)
  for (let i = 0; i < n; i++) {
    const s = neighbourStart[i]!
    const e = neighbourStart[i + 1]!
    for (let c = 0; c < width; c++) {
      let sum = 0
      for (let k = s; k < e; k++) sum += x[width * neighbours[k]! + c]!
      out[width * i + c] = x[width * i + c]! + lambda * ((e - s) * x[width * i + c]! - sum)
    }
  }
  return out
}

/**
 * Relative residual at which the solve stops. M's condition number is at most 1 + 2 lambda x the
 * largest degree, 1 + 12 lambda on the icosphere, so at lambda up to 30 x's relative error stays
 * below 4e-10, far under the float32 the shape is stored in.
 */
const TOLERANCE = 1e-12

/**
 * M^-1 b by conjugate gradients: M is symmetric positive definite and sparse, and a dense
 * factor of a level-4 template would take 52 MB.
 */
export function solveSmoothing(template: Template, lambda: number, b: Float64Array): Float64Array {
  const x = new Float64Array(b.length)
  const r = Float64Array.from(b)
  const p = Float64Array.from(b)
  let rr = dot(r, r)
  // A gradient with NaN or infinity must poison the shape, as Adam's step would, not vanish as a zero step.
  if (!Number.isFinite(rr)) return new Float64Array(b.length).fill(Number.NaN)
  const stop = TOLERANCE * TOLERANCE * rr
  for (let iteration = 0; iteration < b.length && rr > stop; iteration++) {
    const mp = smoothingProduct(template, lambda, p)
    const alpha = rr / dot(p, mp)
    for (let i = 0; i < x.length; i++) {
      x[i] = x[i]! + alpha * p[i]!
      r[i] = r[i]! - alpha * mp[i]!
    }
    const next = dot(r, r)
    const beta = next / rr
    rr = next
    for (let i = 0; i < p.length; i++) p[i] = r[i]! + beta * p[i]!
  }
  return x
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}
