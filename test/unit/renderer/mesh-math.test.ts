import { describe, expect, it } from 'vitest'
import { IcosahedronGeometry } from 'three'
import { mergeVertices } from 'three/examples/jsm/utils/BufferGeometryUtils.js'
import { COLOUR_MODES, nearestProjected, pickVertex, vertexColours, viridis } from '../../../src/renderer/src/views/meshes/mesh-math'

// The engine's level-4 icosphere has 2,562 vertices and 5,120 faces; so has this one.
const geometry = mergeVertices(new IcosahedronGeometry(1, 15).deleteAttribute('normal').deleteAttribute('uv'))
const vertices = Array.from(geometry.getAttribute('position').array)
const faces = Array.from(geometry.getIndex()!.array)
const template = { vertexCount: vertices.length / 3 }

describe('picking a vertex on a 2,562-vertex mesh', () => {
  it('is the mesh size of a level-4 template', () => {
    expect([template.vertexCount, faces.length / 3]).toEqual([2562, 5120])
  })
  it('returns the front vertex a ray meets first, not the one behind it', () => {
    // The vertex with the largest z faces a camera on +z.
    let front = 0
    for (let i = 0; i < template.vertexCount; i++) if (vertices[3 * i + 2]! > vertices[3 * front + 2]!) front = i
    const [x, y] = [vertices[3 * front]!, vertices[3 * front + 1]!]
    const hit = pickVertex(vertices, faces, [x, y, 10], [0, 0, -1])
    expect(hit?.vertex).toBe(front)
    expect(hit!.t).toBeCloseTo(10 - vertices[3 * front + 2]!, 3)
    // From behind, the back vertex.
    const back = pickVertex(vertices, faces, [x, y, -10], [0, 0, 1])
    expect(vertices[3 * back!.vertex + 2]!).toBeLessThan(0)
    expect(pickVertex(vertices, faces, [5, 5, 10], [0, 0, -1])).toBeNull()
  })

  it('stays well under a frame per click', () => {
    const t0 = performance.now()
    const clicks = 200
    for (let k = 0; k < clicks; k++) pickVertex(vertices, faces, [0.3 * Math.sin(k), 0.5 * Math.cos(k), 10], [0, 0, -1])
    const perClick = (performance.now() - t0) / clicks
    expect(perClick).toBeLessThan(4)
  })
})

describe('colour modes', () => {
  const n = template.vertexCount
  const mesh = {
    vertexCount: n,
    pcaColours: Array.from({ length: 3 * n }, (_, q) => (q % 5) / 4),
    deformation: Array.from({ length: n }, (_, i) => i / n),
    visible: Array.from({ length: n }, (_, i) => i % 2),
  }
  it.each(COLOUR_MODES.map((m) => m.id))('%s gives one RGB triple in [0, 1] per vertex', (mode) => {
    const c = vertexColours(mesh, mode)
    expect(c).toHaveLength(3 * n)
    expect(c.every((v) => v >= 0 && v <= 1)).toBe(true)
  })
  it('tells visible from hidden vertices, and small from large deformations', () => {
    const vis = vertexColours(mesh, 'visibility')
    expect([vis[0], vis[1], vis[2]]).not.toEqual([vis[3], vis[4], vis[5]])
    expect(viridis(0)).not.toEqual(viridis(1))
    expect(Array.from(vertexColours(mesh, 'pca'))).toEqual(mesh.pcaColours.map((v) => Math.fround(v)))
  })
  it('finds the visible projected vertex nearest a click on the image', () => {
    expect(nearestProjected([0, 0, 10, 10, 11, 11], [1, 0, 1], 10.2, 10.2, 5)).toBe(2)
    expect(nearestProjected([0, 0, 10, 10], [1, 1], 50, 50, 5)).toBeNull()
  })
})
