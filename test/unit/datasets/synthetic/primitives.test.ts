import { describe, expect, it } from 'vitest'
import { IDENTITY, rotationY } from '../../../../src/main/engine/render/mat3'
import { MeshBuilder } from '../../../../src/main/datasets/synthetic/mesh-builder'
import type { PartMesh } from '../../../../src/main/datasets/synthetic/mesh-builder'
import { addBox, addCylinder, addEllipsoid, addHexahedron, addLathe, addTube, ellipsoidPoint } from '../../../../src/main/datasets/synthetic/primitives'

/** Signed volume by the divergence theorem: positive when every face winds outwards. */
function signedVolume(mesh: PartMesh): number {
  const p = mesh.positions
  let v = 0
  for (let f = 0; f < mesh.faces.length; f += 3) {
    const [a, b, c] = [3 * mesh.faces[f]!, 3 * mesh.faces[f + 1]!, 3 * mesh.faces[f + 2]!]
    v += p[a]! * (p[b + 1]! * p[c + 2]! - p[b + 2]! * p[c + 1]!) - p[a + 1]! * (p[b]! * p[c + 2]! - p[b + 2]! * p[c]!) + p[a + 2]! * (p[b]! * p[c + 1]! - p[b + 1]! * p[c]!)
  }
  return v / 6
}

function build(add: (m: MeshBuilder) => void): PartMesh {
  const m = new MeshBuilder()
  add(m)
  return m.build()
}

describe('primitives', () => {
  it('winds boxes and hexahedra outwards with the exact volume', () => {
    expect(signedVolume(build((m) => addBox(m, 0, { origin: [1, 2, 3], rotation: rotationY(0.7) }, [0.5, 1, 2])))).toBeCloseTo(8, 5)
    const frustum = build((m) => addHexahedron(m, 0, { origin: [0, 0, 0], rotation: IDENTITY }, ([x, y, z]) => [x * (y > 0 ? 0.5 : 1), y, z]))
    expect(signedVolume(frustum)).toBeCloseTo(6, 5)
  })

  it('winds ellipsoids, tubes and cylinders outwards, close to their analytic volumes', () => {
    const ellipsoid = build((m) => addEllipsoid(m, 0, { origin: [0, 0, 0], rotation: IDENTITY }, [1, 2, 3], 48, 32))
    expect(signedVolume(ellipsoid) / ((4 / 3) * Math.PI * 6)).toBeGreaterThan(0.97)
    expect(signedVolume(ellipsoid) / ((4 / 3) * Math.PI * 6)).toBeLessThan(1)
    const cylinder = build((m) => addCylinder(m, 0, { origin: [0, 0, 0], rotation: IDENTITY }, 1, 0.5, 64))
    expect(signedVolume(cylinder) / Math.PI).toBeCloseTo(1, 2)
    // Capsule of radius 0.5 and length 2: cylinder plus a ball.
    const tube = build((m) => addTube(m, 0, [0, 0, 0], [0, 2, 0], 0.5, 0.5, 48))
    const capsule = Math.PI * 0.25 * 2 + (4 / 3) * Math.PI * 0.125
    expect(signedVolume(tube) / capsule).toBeGreaterThan(0.93)
    expect(signedVolume(tube) / capsule).toBeLessThan(1)
  })

  it('gives smooth normals that point away from the centre of an ellipsoid', () => {
    const mesh = build((m) => addEllipsoid(m, 3, { origin: [1, 1, 1], rotation: rotationY(1) }, [1, 0.5, 2]))
    for (let v = 0; v < mesh.positions.length; v += 3) {
      const d = (mesh.positions[v]! - 1) * mesh.normals[v]! + (mesh.positions[v + 1]! - 1) * mesh.normals[v + 1]! + (mesh.positions[v + 2]! - 1) * mesh.normals[v + 2]!
      expect(d).toBeGreaterThan(0)
    }
    expect(new Set(mesh.faceParts)).toEqual(new Set([3]))
  })

  it('stores part-local texture coordinates, not world ones', () => {
    const mesh = build((m) => addBox(m, 0, { origin: [10, 0, 0], rotation: IDENTITY }, [1, 1, 1]))
    expect(Math.max(...mesh.texCoords)).toBe(1)
    expect(Math.max(...mesh.positions)).toBe(11)
  })

  it('finds surface points of an ellipsoid along a direction', () => {
    const [x, y, z] = ellipsoidPoint([1, 2, 3], [0, 1, 0])
    expect([x, y, z]).toEqual([0, 2, 0])
    const q = ellipsoidPoint([1, 2, 3], [1, 1, 1], 0.1)
    expect(q[0] ** 2 + (q[1] / 2) ** 2 + (q[2] / 3) ** 2).toBeCloseTo(0.81, 6)
  })

  it('refuses a lathe profile that is not closed at its poles and parts beyond a byte', () => {
    expect(() => build((m) => addLathe(m, 0, { origin: [0, 0, 0], rotation: IDENTITY }, [[0, 0], [1, 1], [2, 1]], 8))).toThrow(RangeError)
    expect(() => build((m) => addBox(m, 256, { origin: [0, 0, 0], rotation: IDENTITY }, [1, 1, 1]))).toThrow(RangeError)
  })
})
