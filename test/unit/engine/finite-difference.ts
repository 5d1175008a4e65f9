import { expect } from 'vitest'

/**
 * Central difference of f with respect to values[index], using the step actually stored (a
 * float32 array rounds x +- h). The tolerance every gradient test states: |fd - analytic| <=
 * ABS + REL * max(|fd|, |analytic|).
 */
export const REL = 1e-4
export const ABS = 1e-7

export function centralDifference(f: () => number, values: Float32Array | Float64Array, index: number, h: number): number {
  const x = values[index]!
  values[index] = x + h
  const up = values[index]! - x
  const fp = f()
  values[index] = x - h
  const down = x - values[index]!
  const fm = f()
  values[index] = x
  return (fp - fm) / (up + down)
}

export function expectGradient(
  f: () => number,
  values: Float32Array | Float64Array,
  indices: readonly number[],
  analytic: (index: number) => number,
  h = 1e-6,
  rel = REL,
  abs = ABS,
): void {
  for (const i of indices) {
    const fd = centralDifference(f, values, i, h)
    const an = analytic(i)
    const tol = abs + rel * Math.max(Math.abs(fd), Math.abs(an))
    expect(Math.abs(fd - an), `index ${i}: finite difference ${fd}, analytic ${an}`).toBeLessThanOrEqual(tol)
  }
}
