import type { Template } from './template'

/**
 * Bilateral symmetrisation of a per-vertex field laid out (vertex, xyz, column) with `columns`
 * columns per coordinate: out_i = (X_i + M X_mirror(i)) / 2, M = diag(-1, 1, 1). Applied to
 * positions it gives a shape symmetric about x = 0; applied to a deformation basis it gives
 * symmetric deformations for every code. The operator is its own adjoint (the mirror map is an
 * involution and M is symmetric), so the same call maps output gradients to input gradients.
 */
export function symmetrise(template: Template, x: ArrayLike<number>, columns = 1): Float64Array {
  const { mirror, vertexCount: n } = template
  const stride = 3 * columns
  if (x.length !== n * stride) throw new RangeError(`symmetrise: expected ${n * stride} values, got ${x.length}`)
  const out = new Float64Array(x.length)
  for (let i = 0; i < n; i++) {
    const a = i * stride
    const b = mirror[i]! * stride
    for (let q = 0; q < columns; q++) out[a + q] = (x[a + q]! - x[b + q]!) / 2
    for (let q = columns; q < stride; q++) out[a + q] = (x[a + q]! + x[b + q]!) / 2
  }
  return out
}
