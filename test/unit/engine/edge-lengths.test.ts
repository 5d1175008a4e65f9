import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { edgeLengths, edgePreservationEnergy, edgeUniformityEnergy, restEdges } from '../../../src/main/engine/template/edge-lengths'
import { createTemplate } from '../../../src/main/engine/template/template'
import { expectGradient } from './finite-difference'

const template = createTemplate(1)

function jittered(seed: number, amount: number): Float64Array {
  const rng = new SeededRandom(seed)
  return Float64Array.from(template.rest, (v) => v + amount * rng.normal())
}

describe('edge-length regularisers', () => {
  it('measures one edge per template edge', () => {
    const x = jittered(1, 0.05)
    const lengths = edgeLengths(template, x)
    expect(lengths.length).toBe(template.edges.length / 2)
    const [a, b] = [template.edges[0]!, template.edges[1]!]
    expect(lengths[0]).toBeCloseTo(Math.hypot(x[3 * a]! - x[3 * b]!, x[3 * a + 1]! - x[3 * b + 1]!, x[3 * a + 2]! - x[3 * b + 2]!), 12)
  })

  it('uniformity is zero for equal edges, scale-free, and grows as edges spread', () => {
    // The level-0 icosphere is a regular icosahedron: every edge the same length.
    const ico = createTemplate(0, [1, 1, 1])
    expect(edgeUniformityEnergy(ico, Float64Array.from(ico.rest), 1, null)).toBeLessThan(1e-24)
    const x = jittered(2, 0.05)
    const e = edgeUniformityEnergy(template, x, 1, null)
    expect(e).toBeGreaterThan(0)
    expect(edgeUniformityEnergy(template, x.map((v) => 3 * v), 1, null)).toBeCloseTo(e, 12)
    expect(edgeUniformityEnergy(template, jittered(2, 0.2), 1, null)).toBeGreaterThan(e)
    expect(edgeUniformityEnergy(template, x, 2.5, null)).toBeCloseTo(2.5 * e, 12)
  })

  it('uniformity: the hand-computed value on two edges', () => {
    // A path of 3 vertices and edges of lengths 1 and 3: mean 2, u = 0.5 and 1.5, energy 0.25.
    const path = { ...template, edges: Uint32Array.from([0, 1, 1, 2]) }
    const x = Float64Array.from([0, 0, 0, 1, 0, 0, 1, 3, 0])
    expect(edgeUniformityEnergy(path, x, 1, null)).toBeCloseTo(0.25, 14)
  })

  it('uniformity gradient matches finite differences', () => {
    const x = jittered(3, 0.08)
    const grad = new Float64Array(x.length)
    edgeUniformityEnergy(template, x, 1.7, grad)
    const indices = [0, 1, 2, 7, 20, 33, 50, 100, x.length - 1]
    expectGradient(() => edgeUniformityEnergy(template, x, 1.7, null), x, indices, (i) => grad[i]!)
    expect(indices.some((i) => Math.abs(grad[i]!) > 1e-4)).toBe(true)
  })

  it('preservation is zero without a deformation, and its gradient in D matches finite differences', () => {
    const V0 = jittered(4, 0.03)
    const rest = restEdges(template, V0)
    expect(edgePreservationEnergy(template, V0, rest, new Float64Array(V0.length), 1, null)).toBe(0)
    // A translation keeps every edge.
    expect(edgePreservationEnergy(template, V0, rest, new Float64Array(V0.length).fill(0.4), 1, null)).toBeLessThan(1e-24)
    const rng = new SeededRandom(5)
    const D = Float64Array.from(V0, () => 0.05 * rng.normal())
    const gD = new Float64Array(D.length)
    const e = edgePreservationEnergy(template, V0, rest, D, 0.6, gD)
    expect(e).toBeGreaterThan(0)
    const indices = [0, 4, 11, 25, 60, 90, D.length - 1]
    expectGradient(() => edgePreservationEnergy(template, V0, rest, D, 0.6, null), D, indices, (i) => gD[i]!)
    expect(indices.some((i) => Math.abs(gD[i]!) > 1e-4)).toBe(true)
  })
})
