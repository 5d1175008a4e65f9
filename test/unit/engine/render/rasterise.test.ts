import { describe, expect, it } from 'vitest'
import { createRasterBuffers } from '../../../../src/main/engine/render/buffers'
import type { RasterBuffers } from '../../../../src/main/engine/render/buffers'
import type { PerspectiveCamera, WeakPerspectiveCamera } from '../../../../src/main/engine/render/camera'
import { IDENTITY } from '../../../../src/main/engine/render/mat3'
import { rasterise, rasteriseInto } from '../../../../src/main/engine/render/rasterise'

/** Weak perspective with s = 1, t = 0 on an 8 x 8 buffer: model (x, y) = pixel / 4 - 1. */
const ORTHO: WeakPerspectiveCamera = { kind: 'weak-perspective', rotation: IDENTITY, scale: 1, translation: [0, 0] }
const SIZE = 8

/** Model coordinates of a point given in pixels of the 8 x 8 buffer, at depth z. */
function px(x: number, y: number, z: number): number[] {
  return [x / 4 - 1, y / 4 - 1, z]
}

function covered(b: RasterBuffers): string[] {
  const out: string[] = []
  for (let p = 0; p < b.faceId.length; p++) if (b.faceId[p]! >= 0) out.push(`${p % b.width},${Math.floor(p / b.width)}`)
  return out
}

describe('rasterise', () => {
  it('covers exactly the pixel centres inside a triangle, excluding its bottom-right edge', () => {
    // Right triangle (0,0) (4,0) (0,4): centres with i + j <= 2 are inside; those with
    // i + j = 3 lie on the hypotenuse, which is neither a top nor a left edge.
    const b = rasterise(Float32Array.from([...px(0, 0, 2), ...px(4, 0, 2), ...px(0, 4, 2)]), Uint32Array.of(0, 1, 2), ORTHO, SIZE, SIZE)
    expect(covered(b).sort()).toEqual(['0,0', '0,1', '0,2', '1,0', '1,1', '2,0'])
    for (let p = 0; p < b.depth.length; p++) expect(b.depth[p]).toBe(b.faceId[p]! >= 0 ? 2 : Infinity)
  })

  it('gives screen-space barycentrics for the orthographic camera that sum to 1', () => {
    const b = rasterise(Float32Array.from([...px(0, 0, 2), ...px(4, 0, 6), ...px(0, 4, 10)]), Uint32Array.of(0, 1, 2), ORTHO, SIZE, SIZE)
    // Pixel (1, 0), centre (1.5, 0.5): weights 1 - 1.5/4 - 0.5/4, 1.5/4, 0.5/4.
    const p = 1
    expect(b.barycentric![3 * p]).toBeCloseTo(0.5, 6)
    expect(b.barycentric![3 * p + 1]).toBeCloseTo(0.375, 6)
    expect(b.barycentric![3 * p + 2]).toBeCloseTo(0.125, 6)
    expect(b.depth[p]).toBeCloseTo(0.5 * 2 + 0.375 * 6 + 0.125 * 10, 5)
    for (let q = 0; q < b.faceId.length; q++) {
      if (b.faceId[q]! < 0) continue
      expect(b.barycentric![3 * q]! + b.barycentric![3 * q + 1]! + b.barycentric![3 * q + 2]!).toBeCloseTo(1, 6)
    }
  })

  it('keeps barycentrics in the face order when the triangle is wound the other way', () => {
    const b = rasterise(Float32Array.from([...px(0, 0, 2), ...px(0, 4, 2), ...px(4, 0, 2)]), Uint32Array.of(0, 1, 2), ORTHO, SIZE, SIZE)
    expect(covered(b)).toHaveLength(6)
    // Pixel (1, 0): vertex 2 is now the one at (4, 0).
    expect(b.barycentric![3 * 1 + 2]).toBeCloseTo(0.375, 6)
    expect(b.barycentric![3 * 1 + 1]).toBeCloseTo(0.125, 6)
  })

  it('leaves no gap and no double coverage along shared edges of a perturbed grid', () => {
    // A 6 x 6 vertex grid over [1, 15]^2 on a 16 x 16 buffer, inner vertices jittered off the
    // pixel lattice, so shared edges cross pixel centres at awkward places.
    const n = 6
    const positions: number[] = []
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const inner = i > 0 && j > 0 && i < n - 1 && j < n - 1
        const x = 1 + (14 * i) / (n - 1) + (inner ? Math.sin(7 * i + 3 * j) * 0.9 : 0)
        const y = 1 + (14 * j) / (n - 1) + (inner ? Math.cos(5 * i - 2 * j) * 0.9 : 0)
        positions.push(x / 8 - 1, y / 8 - 1, 1)
      }
    }
    const faces: number[] = []
    for (let j = 0; j + 1 < n; j++) {
      for (let i = 0; i + 1 < n; i++) {
        const a = j * n + i
        faces.push(a, a + 1, a + n + 1, a, a + n + 1, a + n)
      }
    }
    const counts = new Uint8Array(16 * 16)
    for (let f = 0; f < faces.length / 3; f++) {
      const b = rasterise(Float32Array.from(positions), Uint32Array.from(faces.slice(3 * f, 3 * f + 3)), ORTHO, 16, 16)
      for (let p = 0; p < counts.length; p++) if (b.faceId[p]! >= 0) counts[p]!++
    }
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        // Centres strictly inside the square [1, 15]^2 are covered once, the rest never twice.
        const inside = x + 0.5 > 1 && x + 0.5 < 15 && y + 0.5 > 1 && y + 0.5 < 15
        expect(counts[y * 16 + x], `pixel ${x},${y}`).toBe(inside ? 1 : 0)
      }
    }
  })

  it('lets the nearer of two overlapping triangles win whatever the drawing order', () => {
    const far = [...px(0, 0, 5), ...px(8, 0, 5), ...px(0, 8, 5)]
    const near = [...px(0, 0, 3), ...px(8, 0, 3), ...px(0, 8, 3)]
    for (const [first, second, nearFace] of [
      [far, near, 1],
      [near, far, 0],
    ] as const) {
      const b = rasterise(Float32Array.from([...first, ...second]), Uint32Array.of(0, 1, 2, 3, 4, 5), ORTHO, SIZE, SIZE)
      expect(b.faceId[0]).toBe(nearFace)
      expect(b.depth[0]).toBe(3)
    }
  })

  it('writes face ids with an offset into shared buffers, depth-tested against earlier meshes', () => {
    const buffers = createRasterBuffers(SIZE, SIZE)
    rasteriseInto(buffers, Float32Array.from([...px(0, 0, 5), ...px(8, 0, 5), ...px(0, 8, 5)]), Uint32Array.of(0, 1, 2), ORTHO)
    rasteriseInto(buffers, Float32Array.from([...px(0, 0, 3), ...px(2, 0, 3), ...px(0, 2, 3)]), Uint32Array.of(0, 1, 2), ORTHO, 100)
    expect(buffers.faceId[0]).toBe(100)
    expect(buffers.faceId[5]).toBe(0)
  })

  it('interpolates perspective-correctly: the weighted 3-D point lies on the pixel ray at the buffer depth', () => {
    const camera: PerspectiveCamera = { kind: 'perspective', rotation: IDENTITY, translation: [0, 0, 0], fx: 20, fy: 20, cx: 16, cy: 16 }
    const v = [
      [-1, -1, 2],
      [1.5, -0.5, 6],
      [-0.5, 1.5, 4],
    ] as const
    const b = rasterise(Float32Array.from(v.flat()), Uint32Array.of(0, 1, 2), camera, 32, 32)
    let checked = 0
    for (let p = 0; p < b.faceId.length; p++) {
      if (b.faceId[p]! < 0) continue
      const [w0, w1, w2] = [b.barycentric![3 * p]!, b.barycentric![3 * p + 1]!, b.barycentric![3 * p + 2]!]
      const point = [0, 1, 2].map((k) => w0 * v[0][k]! + w1 * v[1][k]! + w2 * v[2][k]!)
      expect(point[2]!).toBeCloseTo(b.depth[p]!, 4)
      // Within the 1/256-pixel vertex snapping; screen-linear weights would miss by pixels here.
      expect((20 * point[0]!) / point[2]! + 16).toBeCloseTo((p % 32) + 0.5, 2)
      expect((20 * point[1]!) / point[2]! + 16).toBeCloseTo(Math.floor(p / 32) + 0.5, 2)
      checked++
    }
    expect(checked).toBeGreaterThan(50)
  })

  it('drops triangles with a vertex behind a perspective camera', () => {
    const camera: PerspectiveCamera = { kind: 'perspective', rotation: IDENTITY, translation: [0, 0, 0], fx: 10, fy: 10, cx: 8, cy: 8 }
    const b = rasterise(Float32Array.of(-1, -1, 2, 1, -1, 2, 0, 1, -1), Uint32Array.of(0, 1, 2), camera, 16, 16)
    expect(covered(b)).toEqual([])
  })

  it('can skip barycentrics and rejects faces that point past the vertex list', () => {
    const positions = Float32Array.from([...px(0, 0, 2), ...px(4, 0, 2), ...px(0, 4, 2)])
    const b = rasterise(positions, Uint32Array.of(0, 1, 2), ORTHO, SIZE, SIZE, { barycentrics: false })
    expect(b.barycentric).toBeNull()
    expect(covered(b)).toHaveLength(6)
    expect(() => rasterise(positions, Uint32Array.of(0, 1, 3), ORTHO, SIZE, SIZE)).toThrow(RangeError)
  })
})
