import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CAMERA_SIZE, mirrorCamera } from '../../../../src/main/engine/camera/view-camera'
import { GpuViewBatch } from '../../../../src/main/engine/gpu/view-batch'
import type { GpuBatch } from '../../../../src/main/engine/gpu/view-batch'
import { meshView, viewLoss, visibility } from '../../../../src/main/engine/losses/view-loss'
import type { LossWeights, ViewShape } from '../../../../src/main/engine/losses/view-loss'
import { viewTarget } from '../../../../src/main/engine/losses/view-target'
import type { ViewTarget } from '../../../../src/main/engine/losses/view-target'
import { SeededRandom } from '../../../../src/main/engine/math/seeded-random'
import { useSoftwareGpuDevice } from '../../../helpers/software-gpu-device'
import { centralDifference } from '../finite-difference'
import { CHANNELS, renderView, syntheticObject } from '../synthetic-views'

const OPTIONS = { grid: 32, tolerancePixels: 2.5 }
const WEIGHTS: LossWeights = { dt: 10, chamfer: 10, feature: 0.7 }
/** Cameras that do not fit yet (every term has a gradient), one pushed partly beyond the crop. */
const CAMERAS = [
  [0.9, 0.1, -0.1, Math.log(0.7), 0.1, 0.05],
  [-2.2, 0.35, 0.05, Math.log(0.6), -0.05, 0.1],
  [0.3, -0.2, 0.2, Math.log(0.8), 0.9, -0.1],
]

interface Case {
  targets: ViewTarget[]
  shape: ViewShape
  samples: Float64Array[]
  cameras: Float64Array[]
}

function setup(): Case {
  const object = syntheticObject(2)
  const truth = [
    [0.6, 0.25, 0.05, Math.log(0.75), 0.05, -0.03],
    [-2, 0.3, 0, Math.log(0.65), 0, 0.05],
  ]
  const targets = truth.map((c) => {
    const v = renderView(object, c)
    return viewTarget(v.features, v.mask)
  })
  const rng = new SeededRandom(3)
  const n = object.template.vertexCount
  const vertices = Float64Array.from(object.template.rest, (v) => v * 1.1 + 0.02 * rng.normal())
  const features = Float64Array.from({ length: n * CHANNELS }, () => rng.normal())
  const shape = meshView(vertices, object.template.faces, features, CHANNELS)
  const samples = targets.map((t) => t.foreground.slice(0, 2 * 40))
  // Each camera and its mirror, on both targets.
  const cameras = CAMERAS.flatMap((c) => [Float64Array.from(c), mirrorCamera(c)])
  return { targets, shape, samples, cameras }
}

function gpuBatch(c: Case, weights = WEIGHTS): GpuBatch {
  return {
    views: [{ vertices: c.shape.vertices, normals: c.shape.normals, featureBlock: 0 }],
    blocks: [{ features: c.shape.features, norms: c.shape.featureNorms }],
    samples: c.samples,
    evaluations: c.targets.flatMap((_, t) => c.cameras.map((camera) => ({ view: 0, target: t, samples: t, camera }))),
    weights,
  }
}

/** The evaluation order of gpuBatch: target-major. */
const each = (c: Case): { t: number; camera: Float64Array }[] => c.targets.flatMap((_, t) => c.cameras.map((camera) => ({ t, camera })))

const gpuDevice = useSoftwareGpuDevice()
let kernels: GpuViewBatch
const c = setup()

beforeAll(async () => {
  kernels = await GpuViewBatch.create(gpuDevice(), c.targets, c.shape.faces, c.shape.vertexCount, OPTIONS)
})

afterAll(() => kernels?.destroy())

describe('GPU view kernels against the CPU engine (SwiftShader, f32)', () => {
  it('z-buffer visibility: the same vertices as render/rasterise + the facing test, up to ties', async () => {
    await kernels.score(gpuBatch(c))
    const flags = await kernels.visibility()
    const n = c.shape.vertexCount
    let differ = 0
    let visible = 0
    each(c).forEach(({ camera }, e) => {
      const cpu = visibility(c.shape, camera, OPTIONS)
      for (let i = 0; i < n; i++) {
        visible += cpu[i]!
        if (cpu[i] !== flags[e * n + i]) differ++
      }
    })
    expect(visible).toBeGreaterThan(0.25 * n * each(c).length)
    // Ties: a vertex within f32 rounding of a pixel edge, the depth tolerance or edge-on.
    expect(differ).toBeLessThanOrEqual(Math.ceil(0.005 * n * each(c).length))
  })

  it('loss terms and camera gradients equal viewLoss with the same visibility (f32 tolerance)', async () => {
    const scores = await kernels.score(gpuBatch(c))
    const flags = await kernels.visibility()
    const n = c.shape.vertexCount
    each(c).forEach(({ t, camera }, e) => {
      const vis = flags.slice(e * n, (e + 1) * n)
      const grad = new Float64Array(CAMERA_SIZE)
      const cpu = viewLoss(c.targets[t]!, c.shape, camera, 0, c.samples[t]!, vis, WEIGHTS, { camera: grad, vertices: null, features: null })
      const gpu = scores[e]!
      expect(gpu.loss.visibleCount).toBe(cpu.visibleCount)
      for (const k of ['dt', 'chamfer', 'feature', 'total'] as const) expect(Math.abs(gpu.loss[k] - cpu[k]), `${k} of evaluation ${e}`).toBeLessThanOrEqual(1e-4 * Math.abs(cpu[k]) + 1e-5)
      const scale = Math.max(...grad.map(Math.abs))
      for (let k = 0; k < CAMERA_SIZE; k++) expect(Math.abs(gpu.camera[k]! - grad[k]!), `camera ${k} of evaluation ${e}`).toBeLessThanOrEqual(1e-3 * scale)
    })
  })

  it('vertex and feature gradients of chosen evaluations equal viewLoss with the same visibility', async () => {
    await kernels.score(gpuBatch(c))
    const flags = await kernels.visibility()
    const n = c.shape.vertexCount
    const chosen = [1, 4, 9]
    const grads = await kernels.bestGradients(chosen)
    chosen.forEach((e, k) => {
      const { t, camera } = each(c)[e]!
      const gV = new Float64Array(3 * n)
      const gQ = new Float64Array(n * CHANNELS)
      viewLoss(c.targets[t]!, c.shape, camera, 0, c.samples[t]!, flags.slice(e * n, (e + 1) * n), WEIGHTS, { camera: null, vertices: gV, features: gQ })
      for (const [gpu, cpu, what] of [[grads[k]!.vertices, gV, 'vertices'], [grads[k]!.features, gQ, 'features']] as const) {
        const scale = Math.max(...cpu.map(Math.abs))
        expect(scale).toBeGreaterThan(0)
        let worst = 0
        for (let q = 0; q < cpu.length; q++) worst = Math.max(worst, Math.abs(gpu[q]! - cpu[q]!))
        expect(worst, `${what} of evaluation ${e}`).toBeLessThanOrEqual(1e-3 * scale)
      }
    })
  })

  it('camera gradients match finite differences of the GPU loss itself', async () => {
    // f32 losses: a step of 1e-3 and a loose tolerance; only where the step leaves the visible set unchanged.
    const e = 2
    const base = Float64Array.from(each(c)[e]!.camera)
    const score = async (camera: Float64Array): Promise<{ total: number; grad: Float64Array; vis: Uint8Array }> => {
      const batch = gpuBatch(c)
      const s = await kernels.score({ ...batch, evaluations: [{ ...batch.evaluations[e]!, camera }] })
      return { total: s[0]!.loss.total, grad: s[0]!.camera, vis: await kernels.visibility() }
    }
    const at = await score(base)
    let checked = 0
    for (let k = 0; k < CAMERA_SIZE; k++) {
      const up = Float64Array.from(base)
      const down = Float64Array.from(base)
      up[k]! += 1e-3
      down[k]! -= 1e-3
      const [a, b] = [await score(up), await score(down)]
      if (a.vis.some((v, i) => v !== at.vis[i]) || b.vis.some((v, i) => v !== at.vis[i])) continue
      const fd = (a.total - b.total) / 2e-3
      expect(Math.abs(fd - at.grad[k]!), `camera ${k}: fd ${fd}, analytic ${at.grad[k]}`).toBeLessThanOrEqual(0.02 * Math.max(Math.abs(fd), Math.abs(at.grad[k]!)) + 1e-2)
      checked++
    }
    expect(checked).toBeGreaterThanOrEqual(3)
    // And the CPU's central difference in float64 agrees with the GPU's gradient for the translation.
    const flags = at.vis
    const f = (): number => viewLoss(c.targets[0]!, c.shape, base, 0, c.samples[0]!, flags, WEIGHTS, null).total
    expect(Math.abs(centralDifference(f, base, 4, 1e-6) - at.grad[4]!)).toBeLessThanOrEqual(1e-3 * Math.abs(at.grad[4]!))
  })

  it('refuses targets of different feature grids, naming the target', async () => {
    const other = { ...c.targets[1]!, channels: 4, cells: c.targets[1]!.cells.slice(0, c.targets[1]!.cells.length / 2) }
    await expect(GpuViewBatch.create(gpuDevice(), [c.targets[0]!, other], c.shape.faces, c.shape.vertexCount, OPTIONS)).rejects.toThrow(/target 1 has .* 4 channels/)
  })

  it('uploads each batch\'s targets when the whole set does not fit the device, with the same results', async () => {
    const t = c.targets[0]!
    const perTarget = 4 * (t.maskSize ** 2 + t.gridWidth * t.gridHeight * t.channels)
    // Four targets (the two, twice) and room for two.
    const streaming = await GpuViewBatch.create(gpuDevice(), [...c.targets, ...c.targets], c.shape.faces, c.shape.vertexCount, OPTIONS, 2.5 * perTarget)
    const resident = await kernels.score(gpuBatch(c))
    const batch = gpuBatch(c)
    const moved = await streaming.score({ ...batch, evaluations: batch.evaluations.map((ev) => ({ ...ev, target: ev.target + 2 })) })
    expect(moved).toEqual(resident)
    const three = [0, 1, 2].map((target) => ({ ...batch.evaluations[0]!, target }))
    await expect(streaming.score({ ...batch, evaluations: three })).rejects.toThrow(/more than the 2 targets' room/)
    streaming.destroy()
  })

  it('reproduces its own bits', async () => {
    const a = await kernels.score(gpuBatch(c))
    const b = await kernels.score(gpuBatch(c))
    expect(b).toEqual(a)
  })
})
