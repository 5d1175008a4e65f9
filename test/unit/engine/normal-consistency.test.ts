import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { normalConsistencyEnergy } from '../../../src/main/engine/template/normal-consistency'
import { createTemplate } from '../../../src/main/engine/template/template'
import { expectGradient } from './finite-difference'

describe('normal consistency', () => {
  const template = createTemplate(2)

  it('is small on the smooth template, scale-free, and grows when a vertex is pushed through the surface', () => {
    const x = Float64Array.from(template.rest)
    const smooth = normalConsistencyEnergy(template, x, 1, null)
    expect(smooth).toBeGreaterThan(0)
    expect(smooth).toBeLessThan(0.05)
    expect(normalConsistencyEnergy(template, x.map((v) => 4 * v), 1, null)).toBeCloseTo(smooth, 12)
    // Vertex 0 moved to the far side of the centre: its faces fold over their neighbours.
    const folded = Float64Array.from(x)
    for (let c = 0; c < 3; c++) folded[c] = -0.5 * x[c]!
    expect(normalConsistencyEnergy(template, folded, 1, null)).toBeGreaterThan(smooth + 0.01)
  })

  it('on two triangles: 0 when flat, 1 at a right angle, 2 folded flat onto each other', () => {
    // Faces (0, 1, 2) and (0, 2, 3) share the edge 0-2; the second face's normal follows vertex 3.
    const pair = { ...template, faces: Uint32Array.from([0, 1, 2, 0, 2, 3]), vertexCount: 4 }
    const at = (p3: [number, number, number]) => normalConsistencyEnergy(pair, Float64Array.from([0, 0, 0, 1, -1, 0, 1, 1, 0, ...p3]), 1, null)
    expect(at([0, 2, 0])).toBeCloseTo(0, 14)
    expect(at([0.5, 0.5, 1])).toBeCloseTo(1, 12)
    expect(at([2, 0, 0])).toBeCloseTo(2, 12)
  })

  it('gradient matches finite differences', () => {
    const rng = new SeededRandom(7)
    const x = Float64Array.from(template.rest, (v) => v + 0.06 * rng.normal())
    const grad = new Float64Array(x.length)
    normalConsistencyEnergy(template, x, 1.3, grad)
    const indices = [0, 1, 2, 9, 31, 77, 150, 300, x.length - 1]
    expectGradient(() => normalConsistencyEnergy(template, x, 1.3, null), x, indices, (i) => grad[i]!)
    expect(indices.some((i) => Math.abs(grad[i]!) > 1e-3)).toBe(true)
  })
})
