import { describe, expect, it } from 'vitest'
import { icosphere, icosphereVertexCount } from '../../../src/main/engine/template/icosphere'
import { laplacian } from '../../../src/main/engine/template/laplacian'
import { symmetrise } from '../../../src/main/engine/template/symmetry'
import { DEFAULT_ELLIPSOID, createTemplate } from '../../../src/main/engine/template/template'

describe('icosphere template', () => {
  it.each([
    [2, 162],
    [3, 642],
    [4, 2562],
  ])('level %i has %i vertices, 2V - 4 faces and 3V - 6 edges, all on the unit sphere', (level, vertices) => {
    const { positions, faces } = icosphere(level)
    expect(positions.length / 3).toBe(vertices)
    expect(icosphereVertexCount(level)).toBe(vertices)
    expect(faces.length / 3).toBe(2 * vertices - 4)
    const t = createTemplate(level)
    expect(t.edges.length / 2).toBe(3 * vertices - 6)
    for (let i = 0; i < vertices; i++) expect(Math.hypot(positions[3 * i]!, positions[3 * i + 1]!, positions[3 * i + 2]!)).toBeCloseTo(1, 12)
  })

  it('winds every face outward', () => {
    const { positions: p, faces } = icosphere(3)
    for (let f = 0; f < faces.length; f += 3) {
      const [a, b, c] = [3 * faces[f]!, 3 * faces[f + 1]!, 3 * faces[f + 2]!]
      const u = [p[b]! - p[a]!, p[b + 1]! - p[a + 1]!, p[b + 2]! - p[a + 2]!]
      const v = [p[c]! - p[a]!, p[c + 1]! - p[a + 1]!, p[c + 2]! - p[a + 2]!]
      const n = [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!]
      expect(n[0]! * p[a]! + n[1]! * p[a + 1]! + n[2]! * p[a + 2]!).toBeGreaterThan(0)
    }
  })

  it.each([3, 4])('level %i: the mirror map is an involution that maps (x, y, z) exactly to (-x, y, z)', (level) => {
    const t = createTemplate(level, DEFAULT_ELLIPSOID)
    let fixed = 0
    for (let i = 0; i < t.vertexCount; i++) {
      const j = t.mirror[i]!
      expect(t.mirror[j]).toBe(i)
      expect(t.rest[3 * j]! + t.rest[3 * i]!).toBe(0)
      expect(t.rest[3 * j + 1]).toBe(t.rest[3 * i + 1])
      expect(t.rest[3 * j + 2]).toBe(t.rest[3 * i + 2])
      if (i === j) {
        fixed++
        expect(t.rest[3 * i]).toBe(0)
      }
    }
    expect(fixed).toBeGreaterThan(0)
  })

  it('maps faces to faces under the mirror (the mesh is symmetric, not only its vertices)', () => {
    const t = createTemplate(3)
    const key = (a: number, b: number, c: number): string => [a, b, c].sort((x, y) => x - y).join(',')
    const set = new Set<string>()
    for (let f = 0; f < t.faces.length; f += 3) set.add(key(t.faces[f]!, t.faces[f + 1]!, t.faces[f + 2]!))
    for (let f = 0; f < t.faces.length; f += 3) expect(set.has(key(t.mirror[t.faces[f]!]!, t.mirror[t.faces[f + 1]!]!, t.mirror[t.faces[f + 2]!]!))).toBe(true)
  })

  it('starts as the ellipsoid (lateral, up, forward) and has 5 or 6 neighbours per vertex', () => {
    const t = createTemplate(3, [0.35, 0.7, 1])
    const max = [0, 1, 2].map((c) => Math.max(...Array.from({ length: t.vertexCount }, (_, i) => Math.abs(t.rest[3 * i + c]!))))
    expect(max[0]).toBeCloseTo(0.35, 2)
    expect(max[1]).toBeCloseTo(0.7, 2)
    expect(max[2]).toBeCloseTo(1, 2)
    for (let i = 0; i < t.vertexCount; i++) expect([5, 6]).toContain(t.neighbourStart[i + 1]! - t.neighbourStart[i]!)
  })

  it('symmetrise gives a symmetric field, keeps a symmetric one and is its own adjoint', () => {
    const t = createTemplate(2)
    const x = Float64Array.from({ length: t.vertexCount * 3 * 2 }, (_, q) => Math.sin(q * 1.7))
    const y = Float64Array.from({ length: x.length }, (_, q) => Math.cos(q * 0.3))
    const sx = symmetrise(t, x, 2)
    for (let i = 0; i < t.vertexCount; i++) {
      const j = t.mirror[i]!
      for (let k = 0; k < 2; k++) {
        expect(sx[i * 6 + k]).toBeCloseTo(-sx[j * 6 + k]!, 14)
        for (let c = 1; c < 3; c++) expect(sx[i * 6 + c * 2 + k]).toBeCloseTo(sx[j * 6 + c * 2 + k]!, 14)
      }
    }
    expect(Array.from(symmetrise(t, sx, 2))).toEqual(Array.from(sx))
    const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, q) => s + v * b[q]!, 0)
    expect(dot(sx, y)).toBeCloseTo(dot(x, symmetrise(t, y, 2)), 10)
  })

  it('the Laplacian vanishes on constant fields', () => {
    const t = createTemplate(2)
    const x = new Float64Array(t.vertexCount * 3).fill(0.25)
    for (const v of laplacian(t, x)) expect(Math.abs(v)).toBeLessThan(1e-15)
  })
})
