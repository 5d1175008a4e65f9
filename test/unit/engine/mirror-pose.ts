import { expect } from 'vitest'
import type { Template } from '../../../src/main/engine/template/template'

/** Every vertex of `other` sits where `posed` has its mirror vertex, reflected in x = 0: the mirror camera's view. */
export function expectMirrorImage(template: Template, posed: Float64Array, other: Float64Array): void {
  for (let i = 0; i < template.vertexCount; i++) {
    const j = template.mirror[i]!
    expect(other[3 * j]).toBeCloseTo(-posed[3 * i]!, 12)
    expect(other[3 * j + 1]).toBeCloseTo(posed[3 * i + 1]!, 12)
    expect(other[3 * j + 2]).toBeCloseTo(posed[3 * i + 2]!, 12)
  }
}
