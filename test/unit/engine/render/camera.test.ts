import { describe, expect, it } from 'vitest'
import { lookAt, projectPoints } from '../../../../src/main/engine/render/camera'
import type { PerspectiveCamera } from '../../../../src/main/engine/render/camera'
import { IDENTITY } from '../../../../src/main/engine/render/mat3'

describe('projectPoints', () => {
  it('projects through a pinhole: u = fx X/Z + cx, depth Z', () => {
    const camera: PerspectiveCamera = { kind: 'perspective', rotation: IDENTITY, translation: [0, 0, 1], fx: 100, fy: 50, cx: 50, cy: 40 }
    expect(Array.from(projectPoints(Float32Array.of(1, 2, 4), camera, 100, 80))).toEqual([70, 60, 5])
  })

  it('gives NaN pixels for points behind a perspective camera', () => {
    const camera: PerspectiveCamera = { kind: 'perspective', rotation: IDENTITY, translation: [0, 0, 0], fx: 1, fy: 1, cx: 0, cy: 0 }
    const [x, y, z] = projectPoints(Float32Array.of(0, 0, -2), camera, 10, 10)
    expect(x).toBeNaN()
    expect(y).toBeNaN()
    expect(z).toBe(-2)
  })

  it('maps weak perspective p = s (R V)_xy + t from [-1, 1] to the buffer, depth (R V)_z', () => {
    // R turns +x into +y: R V = (0, 1, 3); p = (0.5 * 0 + 0.2, 0.5 * 1 - 0.1) = (0.2, 0.4).
    const [x, y, z] = projectPoints(Float32Array.of(1, 0, 3), { kind: 'weak-perspective', rotation: [0, -1, 0, 1, 0, 0, 0, 0, 1], scale: 0.5, translation: [0.2, -0.1] }, 10, 20)
    expect(x).toBeCloseTo(6, 5)
    expect(y).toBeCloseTo(14, 5)
    expect(z).toBeCloseTo(3, 5)
  })
})

describe('lookAt', () => {
  it('puts the target at the principal point, world +x to the right and +y up in the image', () => {
    const pose = lookAt([0, 0, 5], [0, 0, 0])
    const camera: PerspectiveCamera = { kind: 'perspective', ...pose, fx: 10, fy: 10, cx: 8, cy: 6 }
    const p = projectPoints(Float32Array.of(0, 0, 0, 1, 0, 0, 0, 1, 0), camera, 16, 12)
    expect([p[0], p[1], p[2]]).toEqual([8, 6, 5])
    expect(p[3]).toBeGreaterThan(8)
    expect(p[7]).toBeLessThan(6)
  })

  it('turns the image by the roll angle', () => {
    const camera: PerspectiveCamera = { kind: 'perspective', ...lookAt([0, 0, 5], [0, 0, 0], Math.PI / 2), fx: 10, fy: 10, cx: 0, cy: 0 }
    const [x, y] = projectPoints(Float32Array.of(1, 0, 0), camera, 1, 1)
    expect(Math.abs(x!)).toBeLessThan(1e-6)
    expect(Math.abs(y!)).toBeCloseTo(2, 5)
  })
})
