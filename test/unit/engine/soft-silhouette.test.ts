import { describe, expect, it } from 'vitest'
import { CAMERA_SIZE } from '../../../src/main/engine/camera/view-camera'
import { softSilhouette } from '../../../src/main/engine/losses/soft-silhouette'
import { meshView } from '../../../src/main/engine/losses/view-loss'
import { viewTarget } from '../../../src/main/engine/losses/view-target'
import type { ViewTarget } from '../../../src/main/engine/losses/view-target'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { expectGradient } from './finite-difference'
import { CHANNELS, renderView, syntheticObject } from './synthetic-views'

/** A 64 x 64 target whose mask is the pixels `inside` says, with one-channel features. */
function maskTarget(inside: (x: number, y: number) => boolean): ViewTarget {
  const M = 64
  const data = new Uint8Array(M * M)
  for (let y = 0; y < M; y++) for (let x = 0; x < M; x++) data[y * M + x] = inside(x, y) ? 1 : 0
  return viewTarget({ channels: 1, width: 4, height: 4, stride: 16, data: new Float32Array(16) }, { width: M, height: M, data })
}

/** A flat quad (two triangles) in the z = 0 plane spanning [x0, x1] x [y0, y1] model units. */
function quad(x0: number, y0: number, x1: number, y1: number) {
  const vertices = Float64Array.from([x0, y0, 0, x1, y0, 0, x1, y1, 0, x0, y1, 0])
  return meshView(vertices, Uint32Array.from([0, 1, 2, 0, 2, 3]), new Float64Array(4), 1)
}

/** Facing the camera, unit scale, centred: model units are the crop's [-1, 1] units. */
const FRONT = Float64Array.from([0, 0, 0, 0, 0, 0])

describe('soft silhouette (faces against the mask, both blurred)', () => {
  it('a quad over exactly the mask costs only its blurred edge; the same quad beside it costs nearly everything', () => {
    // Mask pixels 16..47 in x and y: normalised [-0.5, 0.5].
    const target = maskTarget((x, y) => x >= 16 && x < 48 && y >= 16 && y < 48)
    const on = softSilhouette(target, quad(-0.5, -0.5, 0.5, 0.5), FRONT, 0, 1, null)
    // The mesh's blurred outline lies on the mask's, so nothing is left but rounding at the
    // corners; two pixels in or out cost a clear amount.
    expect(on.loss).toBeLessThan(1e-3)
    for (const d of [-2 / 32, 2 / 32]) expect(softSilhouette(target, quad(-0.5 - d, -0.5 - d, 0.5 + d, 0.5 + d), FRONT, 0, 1, null).loss).toBeGreaterThan(0.05)
    // The centre pixel, on the diagonal between the two triangles, fully covered; one 4 pixels outside not at all.
    expect(on.coverage[32 * 64 + 32]).toBe(1)
    expect(on.coverage[32 * 64 + 52]).toBeLessThan(1e-4)
    const off = softSilhouette(target, quad(-0.95, 0.55, -0.6, 0.95), FRONT, 0, 1, null)
    expect(off.loss).toBeGreaterThan(0.99)
  })

  it('an uncovered thin strip of the mask (a wing) costs about its share of the mask', () => {
    const body = (x: number, y: number): boolean => x >= 16 && x < 48 && y >= 16 && y < 48
    const wing = (x: number, y: number): boolean => x >= 48 && x < 60 && y >= 30 && y < 32
    const target = maskTarget((x, y) => body(x, y) || wing(x, y))
    const withoutWing = softSilhouette(maskTarget(body), quad(-0.5, -0.5, 0.5, 0.5), FRONT, 0, 1, null).loss
    const loss = softSilhouette(target, quad(-0.5, -0.5, 0.5, 0.5), FRONT, 0, 1, null).loss
    // 24 wing pixels over a mask of about 32 x 32 + 24, and the blurred rim along the wing's
    // sides (two rows of 12 pixels half a pixel out, each wanted 0.78, so 0.6 squared).
    const share = (24 + 24 * 0.6) / (1024 + 24)
    expect(loss - withoutWing).toBeGreaterThan(0.8 * share)
    expect(loss - withoutWing).toBeLessThan(1.2 * share)
  })

  it('gradients: camera and vertices against finite differences (an unfitted mesh on a rendered mask)', () => {
    const object = syntheticObject(2)
    const view = renderView(object, [0.6, 0.25, 0.05, Math.log(0.75), 0.05, -0.03])
    const target = viewTarget(view.features, view.mask)
    const rng = new SeededRandom(5)
    const vertices = Float64Array.from(object.template.rest, (v) => v * 1.1 + 0.02 * rng.normal())
    const shape = meshView(vertices, object.template.faces, new Float64Array(object.template.vertexCount * CHANNELS), CHANNELS)
    const camera = Float64Array.from([0.9, 0.1, -0.1, Math.log(0.7), 0.1, 0.05])
    const weight = 3
    const gc = new Float64Array(CAMERA_SIZE)
    const gv = new Float64Array(vertices.length)
    const { loss } = softSilhouette(target, shape, camera, 0, weight, { camera: gc, vertices: gv, features: null })
    expect(loss).toBeGreaterThan(0.05)
    const f = (): number => weight * softSilhouette(target, shape, camera, 0, weight, null).loss
    expectGradient(f, camera, [0, 1, 2, 3, 4, 5], (i) => gc[i]!, 1e-7, 1e-4, 1e-8)
    expect(gc.every((g) => g !== 0)).toBe(true)
    // The outline's vertices carry the gradient: check the 12 with the largest.
    const byMagnitude = [...Array(vertices.length).keys()].sort((a, b) => Math.abs(gv[b]!) - Math.abs(gv[a]!))
    expectGradient(f, shape.vertices, [...byMagnitude.slice(0, 12), ...byMagnitude.slice(-4)], (i) => gv[i]!, 1e-7, 1e-4, 1e-8)
    expect(Math.abs(gv[byMagnitude[0]!]!)).toBeGreaterThan(0)
  })
})
