import { describe, expect, it } from 'vitest'
import { articulate, articulateBackward, articulationRig } from '../../../src/main/engine/model/articulation'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { createTemplate } from '../../../src/main/engine/template/template'
import { expectGradient } from './finite-difference'

const template = createTemplate(2, [0.35, 0.7, 1])
const n = template.vertexCount

function distance(V: Float64Array, i: number, j: number): number {
  return Math.hypot(V[3 * i]! - V[3 * j]!, V[3 * i + 1]! - V[3 * j + 1]!, V[3 * i + 2]! - V[3 * j + 2]!)
}

describe('part articulation (METHOD §3)', () => {
  it('splits the template into non-empty parts with skinning weights that sum to 1 and favour the own part', () => {
    const rig = articulationRig(template, 6)
    expect([...rig.memberCount].every((c) => c > 0)).toBe(true)
    expect(rig.memberCount.reduce((a, b) => a + b, 0)).toBe(n)
    for (let i = 0; i < n; i++) {
      const row = rig.weights.subarray(6 * i, 6 * i + 6)
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
      expect(Math.max(...row)).toBe(row[rig.membership[i]!])
    }
    // Deterministic: the same template gives the same parts.
    expect(articulationRig(template, 6).membership).toEqual(rig.membership)
  })

  it('zero angles leave the mesh where it was', () => {
    const rig = articulationRig(template, 6)
    const { posed } = articulate(rig, template.rest, new Float64Array(18), 0)
    expect(posed).toEqual(template.rest)
  })

  it('with one part the pose is a rigid rotation about the mesh centroid', () => {
    const rig = articulationRig(template, 1)
    const angles = Float64Array.of(0.4, -0.7, 1.1)
    const { posed } = articulate(rig, template.rest, angles, 0)
    for (const [i, j] of [[0, 1], [5, 80], [17, 161]] as const) expect(distance(posed, i, j)).toBeCloseTo(distance(template.rest, i, j), 12)
    // The template is centred, so the centroid (the joint) stays at the origin.
    for (let k = 0; k < 3; k++) expect(posed.filter((_, q) => q % 3 === k).reduce((a, b) => a + b, 0) / n).toBeCloseTo(0, 12)
    // A quarter turn about z alone maps (x, y, z) to (-y, x, z).
    const quarter = articulate(rig, template.rest, Float64Array.of(0, 0, Math.PI / 2), 0).posed
    expect(quarter[0]).toBeCloseTo(-template.rest[1]!, 12)
    expect(quarter[1]).toBeCloseTo(template.rest[0]!, 12)
    expect(quarter[2]).toBeCloseTo(template.rest[2]!, 12)
  })

  it('gradients with respect to the vertices and the angles match finite differences (tolerance 1e-7 + 1e-4 relative)', () => {
    const rng = new SeededRandom(3)
    const rig = articulationRig(template, 5)
    const V = Float64Array.from(template.rest, (v) => v + 0.1 * rng.normal())
    const angles = Float64Array.from({ length: 2 + 15 }, () => 0.5 * rng.normal())
    const a = Float64Array.from({ length: 3 * n }, () => rng.normal())
    const loss = (): number => articulate(rig, V, angles, 2).posed.reduce((s, v, q) => s + a[q]! * v, 0)
    const gV = new Float64Array(3 * n)
    const gAngles = new Float64Array(angles.length)
    articulateBackward(rig, V, articulate(rig, V, angles, 2).tape, a, gV, gAngles, 2)
    expectGradient(loss, angles, [...angles.keys()], (i) => gAngles[i]!, 1e-6)
    expectGradient(loss, V, [0, 1, 2, 40, 77, 3 * n - 1], (i) => gV[i]!, 1e-6)
    // The two leading values are not angles and get nothing.
    expect([gAngles[0], gAngles[1]]).toEqual([0, 0])
  })

  it('refuses a part count the template cannot hold', () => {
    expect(() => articulationRig(template, 0)).toThrow(/articulation parts/)
    expect(() => articulationRig(template, n + 1)).toThrow(/articulation parts/)
  })
})
