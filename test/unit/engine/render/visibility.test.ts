import { describe, expect, it } from 'vitest'
import { surfaceAt } from '../../../../src/main/engine/render/buffers'
import { projectPoints } from '../../../../src/main/engine/render/camera'
import type { WeakPerspectiveCamera } from '../../../../src/main/engine/render/camera'
import { IDENTITY } from '../../../../src/main/engine/render/mat3'
import { rasterise } from '../../../../src/main/engine/render/rasterise'
import { visibleVertices } from '../../../../src/main/engine/render/visibility'

const CAMERA: WeakPerspectiveCamera = { kind: 'weak-perspective', rotation: IDENTITY, scale: 1, translation: [0, 0] }
// A square wall at depth 1 over the left half of a 16 x 16 buffer (x from -1 to 0).
const WALL = Float32Array.of(-1, -1, 1, 0, -1, 1, 0, 1, 1, -1, 1, 1)
const WALL_FACES = Uint32Array.of(0, 1, 2, 0, 2, 3)

describe('visibleVertices', () => {
  const buffers = rasterise(WALL, WALL_FACES, CAMERA, 16, 16)

  it('sees points on or in front of the surface, not behind it beyond the tolerance', () => {
    const points = Float32Array.of(
      -0.5, 0, 1, // on the wall
      -0.5, 0, 1.04, // behind, within tolerance
      -0.5, 0, 1.2, // behind the wall
      -0.5, 0, 0.5, // in front
      0.5, 0, 9, // beside the wall: nothing there
      1.5, 0, 0, // outside the buffer
    )
    expect(Array.from(visibleVertices(projectPoints(points, CAMERA, 16, 16), buffers, 0.05))).toEqual([1, 1, 0, 1, 1, 0])
  })

  it('judges the wall own corners by where they land', () => {
    // y = 1 is row 16, outside; x = 0 is column 8, where nothing was drawn, so nothing hides it.
    expect(Array.from(visibleVertices(projectPoints(WALL, CAMERA, 16, 16), buffers, 1e-3))).toEqual([1, 1, 0, 0])
  })
})

describe('surfaceAt', () => {
  const buffers = rasterise(WALL, WALL_FACES, CAMERA, 16, 16)

  it('returns the face and barycentric weights under a point', () => {
    const hit = surfaceAt(buffers, 1.2, 14.7)
    expect(hit?.faceId).toBe(1)
    expect(hit?.depth).toBe(1)
    const [a, b, c] = hit!.barycentric
    expect(a + b + c).toBeCloseTo(1, 6)
    // Pixel (1, 14) centre (1.5, 14.5) in model units: (-0.8125, 0.8125); face 1 is (v0, v2, v3).
    expect(a * -1 + b * 0 + c * -1).toBeCloseTo(-0.8125, 5)
    expect(a * -1 + b * 1 + c * 1).toBeCloseTo(0.8125, 5)
  })

  it('returns null off the surface and outside the buffer', () => {
    expect(surfaceAt(buffers, 12, 8)).toBeNull()
    expect(surfaceAt(buffers, -1, 8)).toBeNull()
  })

  it('refuses buffers rasterised without barycentrics', () => {
    expect(() => surfaceAt(rasterise(WALL, WALL_FACES, CAMERA, 16, 16, { barycentrics: false }), 2, 2)).toThrow(/barycentrics/)
  })
})
