import { describe, expect, it } from 'vitest'
import { nnMatch } from '../../../src/main/transfer/nn-match'
import { hybridRefine, hybridRefineScored, hybridScores, priorDistance2 } from '../../../src/main/engine/correspondence/hybrid-refine'
import { meshTransfer, meshTransferPairings, meshTransferWithSupport } from '../../../src/main/engine/correspondence/mesh-transfer'
import { meshGeometry } from '../../../src/main/engine/infer/fit-image'
import type { MeshFit } from '../../../src/main/engine/infer/fit-image'
import { meshView } from '../../../src/main/engine/losses/view-loss'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { rasterise } from '../../../src/main/engine/render/rasterise'
import { CHANNELS, renderView, syntheticObject } from './synthetic-views'

const CROP = 128
const SRC_CAMERA = [0.5, 0.3, 0.05, Math.log(0.8), 0.05, 0]
const TRG_CAMERA = [-0.9, 0.15, -0.1, Math.log(0.6), -0.1, 0.1]

function fitOf(camera: number[]): MeshFit {
  const object = syntheticObject(3)
  const view = meshView(Float64Array.from(object.positions), object.template.faces, object.features, CHANNELS)
  const loss = { total: 0, dt: 0, chamfer: 0, feature: 0, visibleCount: 0 }
  return { ...meshGeometry(view, camera, CROP, { grid: 32, tolerancePixels: 2.5 }), loss, hypothesis: 0, code: new Float32Array(0) }
}

/** Source keypoints at pixel centres on the mesh, and where the surface point under each truly lands in the target. */
function surfacePoints(src: MeshFit, trg: MeshFit, count: number): { points: [number, number][]; truth: [number, number][] } {
  const rng = new SeededRandom(11)
  // A finer raster than the transfer's own, so that the truth does not share its pixel grid.
  const S = 4 * CROP
  const buffers = rasterise(src.vertices, src.faces, src.camera, S, S)
  const points: [number, number][] = []
  const truth: [number, number][] = []
  while (points.length < count) {
    const p = rng.below(S * S)
    const face = buffers.faceId[p]!
    if (face < 0) continue
    points.push([((p % S) + 0.5) / 4, (Math.floor(p / S) + 0.5) / 4])
    let tx = 0
    let ty = 0
    for (let k = 0; k < 3; k++) {
      const v = src.faces[3 * face + k]!
      tx += buffers.barycentric![3 * p + k]! * trg.projected[2 * v]!
      ty += buffers.barycentric![3 * p + k]! * trg.projected[2 * v + 1]!
    }
    truth.push([tx, ty])
  }
  return { points, truth }
}

describe('meshTransfer', () => {
  it('moves visible surface points of one mesh seen by two known cameras to within a pixel of their true projection (face method)', () => {
    const src = fitOf(SRC_CAMERA)
    const trg = fitOf(TRG_CAMERA)
    const { points, truth } = surfacePoints(src, trg, 60)
    const out = meshTransfer(src, trg, points)
    const errors = out.map((p, k) => Math.hypot(p![0] - truth[k]![0], p![1] - truth[k]![1]))
    expect(Math.max(...errors)).toBeLessThan(1.5)
    expect(errors.reduce((a, b) => a + b) / errors.length).toBeLessThan(0.5)
  })

  it('the inverse-distance method lands within a couple of pixels on average', () => {
    const src = fitOf(SRC_CAMERA)
    const trg = fitOf(TRG_CAMERA)
    const { points, truth } = surfacePoints(src, trg, 60)
    const errors = meshTransfer(src, trg, points, { method: 'idw' }).map((p, k) => Math.hypot(p![0] - truth[k]![0], p![1] - truth[k]![1]))
    expect(errors.reduce((a, b) => a + b) / errors.length).toBeLessThan(2.5)
  })

  it('falls back to the nearest visible vertex off the mesh, and is the identity between a fit and itself', () => {
    const src = fitOf(SRC_CAMERA)
    const [corner] = meshTransfer(src, src, [[0.5, 0.5]])
    let best = Infinity
    for (let i = 0; i < src.visible.length; i++) {
      if (src.visible[i]) best = Math.min(best, Math.hypot(src.projected[2 * i]! - 0.5, src.projected[2 * i + 1]! - 0.5))
    }
    expect(Math.hypot(corner![0] - 0.5, corner![1] - 0.5)).toBeCloseTo(best, 4)
    const { points } = surfacePoints(src, src, 20)
    meshTransfer(src, src, points).forEach((p, k) => expect(Math.hypot(p![0] - points[k]![0], p![1] - points[k]![1])).toBeLessThan(1))
  })
})

describe('meshTransferWithSupport', () => {
  it('says a keypoint on the surface is supported, one off the mesh is not, and how much of its surface point the target sees', () => {
    const src = fitOf(SRC_CAMERA)
    const trg = fitOf(TRG_CAMERA)
    const { points } = surfacePoints(src, trg, 30)
    const on = meshTransferWithSupport(src, trg, points)
    expect(on.map((t) => t.point)).toEqual(meshTransfer(src, trg, points))
    expect(on.every((t) => t.onSurface)).toBe(true)
    // Seen from the same camera, every surface point under a keypoint is the visible one.
    expect(meshTransferWithSupport(src, src, points).every((t) => t.targetVisible > 0.5)).toBe(true)
    const [off] = meshTransferWithSupport(src, trg, [[0.5, 0.5]])
    expect(off!.onSurface).toBe(false)
    expect(off!.point).toEqual(meshTransfer(src, trg, [[0.5, 0.5]])[0])
    // A target that sees none of the mesh leaves no keypoint visible there.
    const hidden = { ...trg, visible: new Uint8Array(trg.visible.length) }
    expect(meshTransferWithSupport(src, hidden, points).every((t) => t.targetVisible === 0)).toBe(true)
    // Turned half-way round, some surface points face away from the target camera.
    const back = fitOf([SRC_CAMERA[0]! + Math.PI, ...SRC_CAMERA.slice(1)])
    const shares = meshTransferWithSupport(src, back, points).map((t) => t.targetVisible)
    expect(shares.filter((v) => v < 0.5).length).toBeGreaterThan(points.length / 2)
  })
})

describe('hybridRefine', () => {
  const object = syntheticObject(3)
  const src = renderView(object, SRC_CAMERA, 16, CROP).features
  const trg = renderView(object, TRG_CAMERA, 16, CROP).features
  const points: [number, number][] = [
    [40, 60],
    [70, 50],
    [90, 80],
  ]

  it('with lambda 0 is exactly the 2-D nearest neighbour', () => {
    const region = [10, 20, 120, 110] as const
    const nn = nnMatch(src, points, trg, { region, upsample: 4 })
    expect(hybridRefine(src, points, trg, [[64, 64], null, [10, 10]], 0, { region })).toEqual(nn)
  })

  it('with a large lambda answers at the mesh prediction (to the fine grid), and without one stays plain NN', () => {
    const out = hybridRefine(src, points, trg, [[33.3, 77.7], null, [100.1, 20.2]], 1e6)
    expect(Math.abs(out[0]![0] - 33.3)).toBeLessThanOrEqual(1)
    expect(Math.abs(out[0]![1] - 77.7)).toBeLessThanOrEqual(1)
    expect(Math.abs(out[2]![0] - 100.1)).toBeLessThanOrEqual(1)
    expect(out[1]).toEqual(nnMatch(src, [points[1]!], trg)[0])
  })

  it('scored: the same answers, each with the best value of its score map; a prior where the features agree scores higher than one where they do not', () => {
    const priors = [[33.3, 77.7], null, [100.1, 20.2]] as const
    const { points: answers, scores } = hybridRefineScored(src, points, trg, priors, 0.3)
    expect(answers).toEqual(hybridRefine(src, points, trg, priors, 0.3))
    points.forEach((p, q) => expect(scores[q]).toBe(Math.max(...hybridScores(src, p, trg, priors[q]!, 0.3).values)))
    // With a weight that pins the answer to the prior: the plain NN's answer scores its similarity, a point across the crop less.
    const nn = nnMatch(src, [points[1]!], trg)[0]!
    const agree = hybridRefineScored(src, [points[1]!], trg, [nn], 1e6).scores[0]!
    const disagree = hybridRefineScored(src, [points[1]!], trg, [[CROP - nn[0], CROP - nn[1]]], 1e6).scores[0]!
    expect(agree).toBeGreaterThan(disagree)
  })
})

describe('the mixture prior over camera hypotheses', () => {
  // sigma 0.1, so 2 sigma^2 = 0.02; a 100-pixel crop, so 10 pixels are 0.1 crop units (d^2 = 0.01).
  it('is the squared distance for one point, and -2 sigma^2 log of the mean Gaussian for several (a hand-computed case)', () => {
    expect(priorDistance2(53, 54, [[50, 50]], 100, 0.1)).toBeCloseTo(0.0025, 15)
    // At one point of two, 10 pixels apart: -0.02 ln((1 + e^-0.5) / 2) = 0.00438140...
    expect(priorDistance2(50, 50, [[50, 50], [60, 50]], 100, 0.1)).toBeCloseTo(0.004381403927596773, 12)
    // Points that agree cost what one does; the order of the points does not matter.
    expect(priorDistance2(70, 20, [[50, 50], [50, 50], [50, 50]], 100, 0.1)).toBeCloseTo(priorDistance2(70, 20, [[50, 50]], 100, 0.1), 15)
    expect(priorDistance2(57, 41, [[60, 50], [50, 50], [20, 90]], 100, 0.1)).toBeCloseTo(priorDistance2(57, 41, [[20, 90], [50, 50], [60, 50]], 100, 0.1), 15)
    // Far from both (d^2 = 2500 and 1600), no underflow: the nearest one's d^2 plus 0.02 ln 2.
    expect(priorDistance2(5000, 0, [[0, 0], [1000, 0]], 100, 0.1)).toBeCloseTo(1600 + 0.02 * Math.LN2, 9)
  })

  const object = syntheticObject(3)
  const src = renderView(object, SRC_CAMERA, 16, CROP).features
  const trg = renderView(object, TRG_CAMERA, 16, CROP).features

  it('scores the hybrid as one point does, and with a large weight answers at whichever of two points the features prefer', () => {
    const one = hybridScores(src, [40, 60], trg, [33.3, 77.7], 0.3)
    expect(hybridScores(src, [40, 60], trg, [[33.3, 77.7]], 0.3).values).toEqual(one.values)
    expect(hybridScores(src, [40, 60], trg, [], 0.3).values).toEqual(hybridScores(src, [40, 60], trg, null, 0.3).values)
    // Each point alone pulls the answer onto itself; both together, onto the one with the higher similarity there.
    const near = (p: readonly number[], q: readonly number[]): boolean => Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!) < 1e-9
    // On fine-grid positions (2 crop pixels apart, centred at odd pixels), so each lies exactly under one.
    const a: [number, number] = [31, 41]
    const b: [number, number] = [101, 91]
    const [atA] = hybridRefine(src, [[40, 60]], trg, [a], 1e6)
    const [atB] = hybridRefine(src, [[40, 60]], trg, [b], 1e6)
    const [both] = hybridRefine(src, [[40, 60]], trg, [[a, b]], 1e6)
    expect(near(atA!, a) && near(atB!, b)).toBe(true)
    const scores = hybridScores(src, [40, 60], trg, null, 0)
    const at = ([x, y]: readonly number[]): number => scores.values[Math.floor(y! / scores.fine) * scores.width + Math.floor(x! / scores.fine)]!
    expect(both).toEqual(at(atA!) >= at(atB!) ? atA : atB)
  })

  it('pairs every source fit with every target fit, the kept pair first, as meshTransferWithSupport transfers each', () => {
    const fits = [fitOf(SRC_CAMERA), fitOf(TRG_CAMERA), fitOf([0.1, 0.2, 0, Math.log(0.7), 0, 0])]
    const points: [number, number][] = [
      [60, 64],
      [70, 58],
    ]
    const pairings = meshTransferPairings([fits[0]!, fits[2]!], [fits[1]!, fits[2]!], points)
    const each = [fits[0]!, fits[2]!].flatMap((s) => [fits[1]!, fits[2]!].map((t) => meshTransferWithSupport(s, t, points).map((x) => x.point)))
    expect(pairings).toEqual(points.map((_, n) => each.map((answers) => answers[n])))
    expect(pairings[0]).toHaveLength(4)
  })
})
