import { describe, expect, it } from 'vitest'
import { wrapAngle } from '../../../src/main/engine/camera/view-camera'
import { fitImage, meshGeometry } from '../../../src/main/engine/infer/fit-image'
import { FIT_FRAMES, frameFits } from '../../../src/main/engine/infer/frame-fits'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { categoryForward, createCategoryModel, instanceForward } from '../../../src/main/engine/model/category-model'
import { resolveConfig } from '../../../src/main/engine/model/config'
import { CHANNELS, renderView, syntheticObject } from './synthetic-views'

describe('frameFits: a fit turned, mirrored and both', () => {
  const model = createCategoryModel(resolveConfig({ variant: 'semagic', templateLevel: 2 }), CHANNELS, [0.3, 0.45, 0.9], new SeededRandom(4), null)
  model.shape.value.set(syntheticObject(2, true).positions)
  const fit = fitImage(model, renderView(syntheticObject(2, true), [1.1, 0.25, 0, Math.log(0.6), 0.05, -0.05]), { steps: 5 })
  const frames = frameFits(model, categoryForward(model), fit)

  it('lists the fit itself first, then its camera turned half a circle, mirrored, and both, at the same scale and position', () => {
    expect(frames).toHaveLength(FIT_FRAMES.length)
    expect(frames[0]).toBe(fit)
    const { azimuth: az, elevation: el, roll } = fit.pose
    expect(frames.map((f) => [wrapAngle(f.pose.azimuth), f.pose.elevation, f.pose.roll])).toEqual([
      [wrapAngle(az), el, roll],
      [wrapAngle(az + Math.PI), el, roll],
      [wrapAngle(Math.PI - az), -el, roll],
      [wrapAngle(-az), -el, roll],
    ].map(([a, e, r]) => [expect.closeTo(a!, 12), expect.closeTo(e!, 12), expect.closeTo(r!, 12)]))
    for (const f of frames) expect([f.camera.scale, ...f.camera.translation, f.cropSize]).toEqual([fit.camera.scale, ...fit.camera.translation, fit.cropSize])
  })

  it('the mirrored frame projects each vertex where the fit projects its mirror vertex (left and right swapped, the silhouette unchanged)', () => {
    const mirror = model.template.mirror
    const mirrored = frames[2]!
    let worst = 0
    for (let i = 0; i < mirror.length; i++) {
      const j = mirror[i]!
      worst = Math.max(worst, Math.abs(mirrored.projected[2 * i]! - fit.projected[2 * j]!), Math.abs(mirrored.projected[2 * i + 1]! - fit.projected[2 * j + 1]!))
    }
    // Crop pixels, float32 projections of the same symmetric instance.
    expect(worst).toBeLessThan(1e-3)
    // The turned frame does move vertices: this object is not front-back symmetric.
    expect(frames[1]!.projected).not.toEqual(fit.projected)
  })

  it('with articulation, the mirrored frame sees the mirror pose, so it still swaps left and right exactly', () => {
    const rigged = createCategoryModel(resolveConfig({ variant: 'semagic', templateLevel: 2, articulation: { parts: 2 } }), CHANNELS, [0.3, 0.45, 0.9], new SeededRandom(4), null)
    rigged.shape.value.set(syntheticObject(2, true).positions)
    const shape = categoryForward(rigged)
    const posed = fitImage(rigged, renderView(syntheticObject(2, true), [1.1, 0.25, 0, Math.log(0.6), 0.05, -0.05]), { steps: 5 })
    // A pose that is not its own mirror, kept on its own side, so that the frame must use the mirror pose.
    const code = posed.hypotheses!.code.map((v, k) => (k >= rigged.config.codeDims ? 0.4 * Math.sin(k + 1) : v))
    const kept = { ...posed.hypotheses!.ranked[0]!, mirrored: false }
    const mirrored = frameFits(rigged, shape, { ...posed, hypotheses: { code, ranked: [kept] } })[2]!
    const seen = meshGeometry(instanceForward(rigged, shape, code).view, kept.params, posed.cropSize, rigged.config.visibility)
    const mirror = rigged.template.mirror
    let worst = 0
    for (let i = 0; i < mirror.length; i++) {
      const j = mirror[i]!
      worst = Math.max(worst, Math.abs(mirrored.projected[2 * i]! - seen.projected[2 * j]!), Math.abs(mirrored.projected[2 * i + 1]! - seen.projected[2 * j + 1]!))
    }
    expect(worst).toBeLessThan(1e-3)
    // The pose moves vertices by pixels, so the unposed mirror would not have matched.
    const unposed = meshGeometry(instanceForward(rigged, shape, code.map((v, k) => (k >= rigged.config.codeDims ? 0 : v))).view, kept.params, posed.cropSize, rigged.config.visibility)
    expect(Math.max(...seen.projected.map((v, q) => Math.abs(v - unposed.projected[q]!)))).toBeGreaterThan(1)
  })

  it('needs the fit\'s hypotheses', () => {
    expect(() => frameFits(model, categoryForward(model), { ...fit, hypotheses: undefined })).toThrow(/kept no hypotheses/)
  })
})
