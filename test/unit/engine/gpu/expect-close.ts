import { expect } from 'vitest'

/** |a - b| within `rel` of the largest |b|, element by element (f32 kernels against the float64 CPU engine). */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number, what: string): void {
  expect(a.length, what).toBe(b.length)
  let scale = 0
  for (let q = 0; q < b.length; q++) scale = Math.max(scale, Math.abs(b[q]!))
  expect(scale, what).toBeGreaterThan(0)
  for (let q = 0; q < b.length; q++) expect(Math.abs(a[q]! - b[q]!), `${what} ${q}: ${a[q]} against ${b[q]}`).toBeLessThanOrEqual(rel * scale)
}
