import { describe, expect, it } from 'vitest'
import { wrapAngle } from '../../../src/main/engine/camera/view-camera'
import { fitImage, fitImageCandidates, rankedFits, trainingFits } from '../../../src/main/engine/infer/fit-image'
import type { MeshFit } from '../../../src/main/engine/infer/fit-image'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { CAMERA_SIZE, ELEVATION } from '../../../src/main/engine/camera/view-camera'
import { softSilhouette } from '../../../src/main/engine/losses/soft-silhouette'
import { viewLoss, visibility } from '../../../src/main/engine/losses/view-loss'
import { mirrorAngles } from '../../../src/main/engine/model/articulation'
import { categoryForward, categoryParams, createCategoryModel, instanceForward } from '../../../src/main/engine/model/category-model'
import { instanceSize, resolveConfig, viewLossWeights } from '../../../src/main/engine/model/config'
import { ellipsoidFromBoxes } from '../../../src/main/engine/model/initialisation'
import type { EngineConfigInput } from '../../../src/main/engine/model/config'
import { fitPca, projectPca } from '../../../src/main/engine/pca/pca'
import { rasterise } from '../../../src/main/engine/render/rasterise'
import { deserializeModel, serializeModel, serializeTrainState } from '../../../src/main/engine/train/checkpoint'
import type { SerializedTrainState } from '../../../src/main/engine/train/checkpoint'
import { imageStep, mirrorIsBetter } from '../../../src/main/engine/train/image-step'
import type { ViewLoss } from '../../../src/main/engine/losses/view-loss'
import { continueTraining, startTraining, trainCategory, trainStep } from '../../../src/main/engine/train/train-category'
import type { TrainingData } from '../../../src/main/engine/train/training-data'
import type { Mask } from '../../../src/main/images/rgb-image'
import { CHANNELS, renderView, syntheticObject } from './synthetic-views'

const object = syntheticObject(3, true)

function dataset(count: number, seed: number): { data: TrainingData; azimuths: number[] } {
  const rng = new SeededRandom(seed)
  const azimuths: number[] = []
  const images = Array.from({ length: count }, (_, k) => {
    const az = (2 * rng.next() - 1) * Math.PI
    azimuths.push(az)
    const view = renderView(object, [az, 0.2 + 0.1 * rng.next(), 0.05 * rng.normal(), Math.log(0.55 + 0.1 * rng.next()), 0.1 * rng.normal(), 0.1 * rng.normal()])
    return { key: `view-${k}`, ...view }
  })
  return { data: { images }, azimuths }
}

function iou(fit: MeshFit, mask: Mask): number {
  const b = rasterise(fit.vertices, fit.faces, fit.camera, mask.width, mask.height, { barycentrics: false })
  let inter = 0
  let union = 0
  for (let p = 0; p < mask.data.length; p++) {
    const a = b.faceId[p]! >= 0
    const m = mask.data[p] === 1
    if (a && m) inter++
    if (a || m) union++
  }
  return inter / union
}

/** Images whose azimuth is within one 45-degree bin of the truth, in the best of the frames the model may have chosen. */
function withinOneBin(fits: readonly MeshFit[], truth: readonly number[]): number {
  const frames = [(a: number) => a, (a: number) => a + Math.PI, (a: number) => Math.PI - a, (a: number) => -a]
  return Math.max(...frames.map((frame) => fits.filter((f, k) => Math.abs(wrapAngle(f.pose.azimuth - frame(truth[k]!))) <= (1.5 * Math.PI) / 4).length))
}

const SMALL: EngineConfigInput = { steps: 80, batchSize: 8, seed: 3, featureWeightRamp: 0.2 }

describe('trainCategory on a synthetic object', () => {
  it('lowers the loss, improves the silhouette IoU and recovers the viewpoints, keeping V0 symmetric', async () => {
    const { data, azimuths } = dataset(16, 1)
    const { state, targets } = startTraining(data, SMALL)
    const before = trainingFits(state, targets)
    const losses: number[] = []
    const result = await trainCategory(data, SMALL, { onStep: (_s, l) => losses.push(l.view! - l.feature! * l.featureWeight!) })
    const after = trainingFits(result.state, targets)
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b) / xs.length
    expect(mean(losses.slice(-10))).toBeLessThan(0.5 * mean(losses.slice(0, 10)))
    const iouBefore = mean(before.map((f, k) => iou(f, data.images[k]!.mask)))
    const iouAfter = mean(after.map((f, k) => iou(f, data.images[k]!.mask)))
    expect(iouAfter).toBeGreaterThan(iouBefore + 0.05)
    expect(iouAfter).toBeGreaterThan(0.8)
    expect(withinOneBin(after, azimuths)).toBeGreaterThanOrEqual(12)

    const { template } = result.model
    const { V0 } = categoryForward(result.model)
    for (let i = 0; i < template.vertexCount; i++) {
      const j = template.mirror[i]!
      expect(V0[3 * i]! + V0[3 * j]!).toBe(0)
      expect(V0[3 * i + 1]).toBe(V0[3 * j + 1])
      expect(V0[3 * i + 2]).toBe(V0[3 * j + 2])
    }
  })

  it.each([[0, 'clusters', 0], [4, 'clusters', 0], [4, 'skeleton', 0], [0, 'clusters', 10]] as const)('resumes bit for bit with %i articulated parts (%s rig), large steps on the shape and the basis %i: 10 steps, serialise, resume, 10 steps equals 20 steps', async (parts, rig, largeSteps) => {
    const { data } = dataset(6, 2)
    const config: EngineConfigInput = { steps: 20, batchSize: 4, seed: 5, templateLevel: 2, articulation: { parts, rig }, largeSteps, largeStepsBasis: largeSteps }
    const straight = await trainCategory(data, config)
    let checkpoint: SerializedTrainState | null = null
    let steps = 0
    await trainCategory(data, config, {
      checkpointEvery: 10,
      onCheckpoint: (s) => {
        if (s.manifest.step === 10) checkpoint = s
      },
      onStep: () => steps++,
      shouldStop: () => steps >= 10,
    })
    // Through JSON as a store would keep the manifest.
    const saved = checkpoint as SerializedTrainState | null
    expect(saved?.manifest.step).toBe(10)
    const resumed = await continueTraining({ manifest: JSON.parse(JSON.stringify(saved!.manifest)), weights: saved!.weights }, data)
    const a = serializeTrainState(straight.state)
    const b = serializeTrainState(resumed.state)
    expect(b.manifest).toEqual(a.manifest)
    expect(Object.keys(b.weights)).toEqual(Object.keys(a.weights))
    for (const name of Object.keys(a.weights)) expect(Buffer.from(b.weights[name]!.buffer).equals(Buffer.from(a.weights[name]!.buffer)), name).toBe(true)
  })

  it('is deterministic from the seed and differs across seeds', () => {
    const { data } = dataset(4, 3)
    const run = (seed: number): Float32Array => {
      const { state, targets } = startTraining(data, { steps: 3, batchSize: 2, seed, templateLevel: 2 })
      for (let s = 0; s < 3; s++) trainStep(state, targets)
      return state.model.shape.value
    }
    expect(run(1)).toEqual(run(1))
    expect(run(1)).not.toEqual(run(2))
  })
})

describe('model checkpoints', () => {
  it('a serialised model fits an image exactly as the original does', async () => {
    const { data } = dataset(6, 6)
    const { model } = await trainCategory(data, { steps: 5, batchSize: 3, templateLevel: 2 })
    const saved = serializeModel(model)
    const copy = deserializeModel({ manifest: JSON.parse(JSON.stringify(saved.manifest)), weights: saved.weights })
    const a = fitImage(model, data.images[0]!, { steps: 3 })
    const b = fitImage(copy, data.images[0]!, { steps: 3 })
    expect(Array.from(b.projected)).toEqual(Array.from(a.projected))
    expect(b.loss).toEqual(a.loss)
  })

  it('trains on raw maps through a PCA, keeps it in the model and checkpoint, and projects raw maps when fitting', async () => {
    const { data } = dataset(6, 7)
    const pca = fitPca(data.images.map((im) => im.features), data.images.map((im) => im.mask), 4)
    const { model } = await trainCategory({ ...data, pca }, { steps: 2, batchSize: 2, templateLevel: 2 })
    expect(model.channels).toBe(4)
    expect(model.pca).toBe(pca)
    const copy = deserializeModel(serializeModel(model))
    expect(Array.from(copy.pca!.components)).toEqual(Array.from(pca.components))
    const raw = fitImage(copy, data.images[1]!, { steps: 2 })
    const projected = fitImage(copy, { ...data.images[1]!, features: projectPca(pca, data.images[1]!.features) }, { steps: 2 })
    expect(raw.loss).toEqual(projected.loss)
  })

  it('a checkpoint written before preferAbove existed restores with it off, whatever the default', async () => {
    const { data } = dataset(6, 8)
    const { model } = await trainCategory(data, { steps: 2, batchSize: 3, templateLevel: 2, preferAbove: 0.05 })
    const { manifest, weights } = serializeModel(model)
    expect(deserializeModel({ manifest, weights }).config.preferAbove).toBe(0.05)
    const { preferAbove: _dropped, ...older } = manifest.config
    expect(deserializeModel({ manifest: { ...manifest, config: older as typeof manifest.config }, weights }).config.preferAbove).toBeNull()
  })

  it('a checkpoint written before the edge and normal regularisers existed restores with them off', async () => {
    const { data } = dataset(6, 8)
    const { model } = await trainCategory(data, { steps: 2, batchSize: 3, templateLevel: 2 })
    const { manifest, weights } = serializeModel(model)
    expect(resolveConfig().weights.edgeShape).toBeGreaterThan(0)
    expect(deserializeModel({ manifest, weights }).config.weights).toMatchObject({ edgeShape: resolveConfig().weights.edgeShape, edgeDeformation: resolveConfig().weights.edgeDeformation })
    const { edgeShape: _a, edgeDeformation: _b, normalShape: _c, ...olderWeights } = manifest.config.weights!
    const older = { ...manifest.config, weights: olderWeights } as typeof manifest.config
    expect(deserializeModel({ manifest: { ...manifest, config: older }, weights }).config.weights).toMatchObject({ edgeShape: 0, edgeDeformation: 0, normalShape: 0, laplacianShape: 2 })
    const { weights: _w, ...noWeights } = manifest.config
    expect(deserializeModel({ manifest: { ...manifest, config: noWeights as typeof manifest.config }, weights }).config.weights).toMatchObject({ edgeShape: 0, edgeDeformation: 0, normalShape: 0, laplacianShape: 2 })
  })

  it('refuses a checkpoint whose tensors do not match the template', () => {
    const rng = new SeededRandom(1)
    const model = createCategoryModel(resolveConfig({ templateLevel: 2 }), CHANNELS, [0.35, 0.7, 1], rng, null)
    const s = serializeModel(model)
    expect(() => deserializeModel({ ...s, weights: { ...s.weights, shape: new Float32Array(3) } })).toThrow(/shape/)
  })
})

describe('initial ellipsoid from the masks', () => {
  it('takes up/forward from the lower quartile of the boxes\' height/width (the side views)', () => {
    const boxes = [0.5, 0.6, 0.7, 1.4, 2].map((r) => [-0.5, -0.5 * r, 0.5, 0.5 * r] as const)
    expect(ellipsoidFromBoxes(boxes)).toEqual([0.35, 0.6, 1])
  })

  it('with lateral, takes up/lateral from the upper quartile (the front and back views) of an ellipsoid seen from all round', () => {
    // A 0.5 x 0.4 x 1 ellipsoid (lateral, up, forward) seen level from 360 azimuths: its box is
    // 0.8 high and 2 sqrt(sin^2 a + 0.25 cos^2 a) wide.
    const boxes = Array.from({ length: 360 }, (_, k) => {
      const a = (2 * Math.PI * k) / 360
      const w = Math.sqrt(Math.sin(a) ** 2 + 0.25 * Math.cos(a) ** 2)
      return [-w, -0.4, w, 0.4] as const
    })
    const [lateral, up, forward] = ellipsoidFromBoxes(boxes, true)
    // The quartiles are the views 22.5 degrees from side-on and from head-on, a little wider and
    // narrower than the ends: both axes come out a little long (0.424 and 0.636 for a continuum of views,
    // 0.63 from these 360), not at the default.
    expect(forward).toBe(1)
    expect(up).toBeCloseTo(0.424, 2)
    expect(lateral).toBeCloseTo(0.63, 2)
    expect(ellipsoidFromBoxes(boxes)[0]).toBe(0.35)
  })

  it('the setting is three positive semi-axes or one of the two rules, named when it is neither', () => {
    expect(resolveConfig({ ellipsoid: 'mask-extent' }).ellipsoid).toBe('mask-extent')
    expect(resolveConfig({ ellipsoid: [0.5, 0.4, 1] }).ellipsoid).toEqual([0.5, 0.4, 1])
    expect(() => resolveConfig({ ellipsoid: 'mask-extents' as 'mask-extent' })).toThrow(/ellipsoid must be .*'mask-aspect' or 'mask-extent', got "mask-extents"/)
    expect(() => resolveConfig({ ellipsoid: [0.5, 0, 1] })).toThrow(/ellipsoid/)
    expect(() => resolveConfig({ ellipsoid: [0.5, 1] as unknown as [number, number, number] })).toThrow(/ellipsoid/)
  })
})

describe('variants', () => {
  it('are two switches: per-vertex basis and features for semagic, fields for the baseline, mixed for the ablations', () => {
    const rng = new SeededRandom(1)
    const has = (variant: 'semagic' | 'semagic-i' | 'semagic-ii' | 'baseline'): string =>
      categoryParams(createCategoryModel(resolveConfig({ variant, templateLevel: 2 }), CHANNELS, [0.35, 0.7, 1], rng, null))
        .map((p) => p.name.split('.')[0])
        .filter((name, k, all) => all.indexOf(name) === k)
        .join(' ')
    expect(has('semagic')).toBe('shape basis features')
    expect(has('semagic-i')).toBe('shape deformationField features')
    expect(has('semagic-ii')).toBe('shape basis featureField')
    expect(has('baseline')).toBe('shape deformationField featureField')
  })

  it('the baseline gives two vertices at one canonical position the same offset; semagic can give them different ones', () => {
    for (const variant of ['baseline', 'semagic'] as const) {
      const rng = new SeededRandom(2)
      const model = createCategoryModel(resolveConfig({ variant, templateLevel: 2, codeDims: 4 }), CHANNELS, [0.35, 0.7, 1], rng, null)
      for (const p of categoryParams(model)) if (p.name !== 'shape') for (let q = 0; q < p.value.length; q++) p.value[q] = rng.normal()
      // Put vertex b (and its mirror) where vertex a (and its mirror) is.
      const { template } = model
      const a = 10
      const b = 40
      for (const [from, to] of [
        [a, b],
        [template.mirror[a]!, template.mirror[b]!],
      ] as const) {
        for (let c = 0; c < 3; c++) model.shape.value[3 * to + c] = model.shape.value[3 * from + c]!
      }
      const { V0, B } = categoryForward(model)
      expect([0, 1, 2].map((c) => V0[3 * a + c])).toEqual([0, 1, 2].map((c) => V0[3 * b + c]))
      const K = 4
      const offsets = (i: number): number[] => Array.from(B.subarray(3 * i * K, 3 * (i + 1) * K))
      if (variant === 'baseline') expect(offsets(a)).toEqual(offsets(b))
      else expect(offsets(a)).not.toEqual(offsets(b))
    }
  })
})

describe('a hypothesis against its mirror camera', () => {
  const loss = (feature: number): ViewLoss => ({ total: 1 + feature, dt: 0.5, chamfer: 0.5, feature, visibleCount: 10 })

  it('the features decide when preferAbove is off or the elevation is near level', () => {
    expect(mirrorIsBetter(loss(0.3), loss(0.2), 0.4, null)).toBe(true)
    expect(mirrorIsBetter(loss(0.2), loss(0.3), -0.4, null)).toBe(false)
    expect(mirrorIsBetter(loss(0.3), loss(0.2), 0.04, 0.05)).toBe(true)
    expect(mirrorIsBetter(loss(0.2), loss(0.3), -0.04, 0.05)).toBe(false)
  })

  it('with preferAbove, the camera looking from above is kept whatever the features say', () => {
    expect(mirrorIsBetter(loss(0.3), loss(0.2), 0.06, 0.05)).toBe(false)
    expect(mirrorIsBetter(loss(0.2), loss(0.3), -0.06, 0.05)).toBe(true)
  })

  it.each([['clusters', 4], ['skeleton', 4]] as const)('with articulation (%s rig), a switch to the mirror camera moves the part angles to the mirror pose, which projects every vertex where its mirror vertex was', (rig, parts) => {
    const { data } = dataset(2, 4)
    const { state, targets } = startTraining(data, { steps: 1, batchSize: 1, seed: 2, templateLevel: 2, hypotheses: 1, articulation: { parts, rig } })
    const { config, model, cameras, codes } = state
    const size = instanceSize(config)
    const rng = new SeededRandom(9)
    for (let k = config.codeDims; k < size; k++) codes.value[k] = 0.3 * rng.normal()
    // Looking from below, so that preferAbove switches the hypothesis to its mirror.
    cameras.value[ELEVATION] = -0.4
    const before = Float64Array.from(cameras.value.subarray(0, CAMERA_SIZE))
    const expected = codes.value.slice(0, size)
    mirrorAngles(model.rig!, expected, config.codeDims, expected, config.codeDims)
    const shape = categoryForward(model)
    const target = targets[0]!
    const { view } = instanceForward(model, shape, codes.value)
    const weights = viewLossWeights(config)
    const own = viewLoss(target, view, before, 0, target.foreground, visibility(view, before, config.visibility), weights, null)

    const r = imageStep({ model, shape, target, cameras, codes, row: 0, samples: target.foreground, weights, gradScale: 1, category: null })
    expect(r.mirrorSwitches).toBe(1)
    expect(cameras.value[ELEVATION]).toBeCloseTo(0.4, 6)
    // Negated and swapped float32 values: exact.
    expect(codes.value.slice(0, size)).toEqual(expected)
    // The distance term reads every projected vertex, so it is unchanged up to the float32
    // rounding of the stored mirror camera (the chamfer's visible side is the other one).
    expect(Math.abs(r.bestLoss.dt - own.dt)).toBeLessThan(1e-6 * own.dt)
  })

  it('with the face-based silhouette on, the kept view pays it: the step loss rises by its weighted value and the kept camera gets its gradient', () => {
    const { data } = dataset(1, 4)
    const run = (softSilhouette: number) => {
      const { state, targets } = startTraining(data, { steps: 1, batchSize: 1, seed: 2, templateLevel: 2, hypotheses: 1, weights: { softSilhouette } })
      const { model, cameras, codes } = state
      const shape = categoryForward(model)
      const target = targets[0]!
      const r = imageStep({ model, shape, target, cameras, codes, row: 0, samples: target.foreground, weights: viewLossWeights(state.config), gradScale: 1, category: null })
      return { r, grad: Array.from(cameras.grad.subarray(0, CAMERA_SIZE)), state, target }
    }
    const off = run(0)
    const on = run(5)
    const { model, cameras, codes } = on.state
    const { view } = instanceForward(model, categoryForward(model), codes.value)
    const expected = softSilhouette(on.target, view, cameras.value, 0, 5, null).loss
    expect(expected).toBeGreaterThan(0.01)
    expect(on.r.bestLoss.total - off.r.bestLoss.total).toBeCloseTo(5 * expected, 9)
    expect(on.grad).not.toEqual(off.grad)
  })

  it('loss weights and learning rates must be non-negative numbers, named when they are not', () => {
    expect(() => resolveConfig({ weights: { edgeShape: -1 } })).toThrow(/weights\.edgeShape must be a non-negative number, got -1/)
    expect(() => resolveConfig({ lr: { camera: Number.NaN } })).toThrow(/lr\.camera/)
    expect(() => resolveConfig({ weights: { dt: '10' as unknown as number } })).toThrow(/weights\.dt/)
    expect(resolveConfig({ weights: { edgeShape: 0 } }).weights.edgeShape).toBe(0)
  })

  it('preferAbove must be an angle between level and straight down', () => {
    expect(resolveConfig({ preferAbove: 0.05 }).preferAbove).toBe(0.05)
    expect(() => resolveConfig({ preferAbove: -0.1 })).toThrow(/preferAbove/)
    expect(() => resolveConfig({ preferAbove: 2 })).toThrow(/preferAbove/)
    expect(() => resolveConfig({ preferAbove: '0.05' as unknown as number })).toThrow(/preferAbove/)
  })
})

describe('fitImage', () => {
  it('with the true shape and features frozen, recovers the camera of a new view within one azimuth bin', () => {
    const rng = new SeededRandom(4)
    const model = createCategoryModel(resolveConfig({ variant: 'semagic', templateLevel: 3 }), CHANNELS, [0.3, 0.45, 0.9], rng, null)
    model.shape.value.set(object.positions)
    model.features!.value.set(object.features)
    for (const az of [-2.5, -0.8, 0.4, 1.9]) {
      const view = renderView(object, [az, 0.25, 0, Math.log(0.6), 0.05, -0.05])
      const fit = fitImage(model, view, { steps: 40 })
      expect(Math.abs(wrapAngle(fit.pose.azimuth - az)), `azimuth ${az}`).toBeLessThanOrEqual(Math.PI / 4)
      expect(iou(fit, view.mask)).toBeGreaterThan(0.85)
      expect(fit.projected.length).toBe(2 * model.template.vertexCount)
      expect(fit.visible.reduce((s, v) => s + v, 0)).toBeGreaterThan(model.template.vertexCount / 4)
    }
  })
})

describe('rankedFits', () => {
  it('keeps every camera hypothesis on its better side, lowest loss first, and draws each as the fit drew its candidate', () => {
    const model = createCategoryModel(resolveConfig({ variant: 'semagic', templateLevel: 2 }), CHANNELS, [0.3, 0.45, 0.9], new SeededRandom(4), null)
    model.shape.value.set(syntheticObject(2, true).positions)
    const view = renderView(syntheticObject(2, true), [1.1, 0.25, 0, Math.log(0.6), 0.05, -0.05])
    const { best, candidates } = fitImageCandidates(model, view, { steps: 5 })
    const ranked = best.hypotheses!.ranked
    expect(ranked).toHaveLength(model.config.hypotheses)
    expect(ranked.map((h) => h.loss.total)).toEqual(ranked.map((h) => h.loss.total).sort((a, b) => a - b))
    expect(new Set(ranked.map((h) => h.hypothesis)).size).toBe(model.config.hypotheses)
    expect([ranked[0]!.hypothesis, ranked[0]!.loss]).toEqual([best.hypothesis, best.loss])
    const fits = rankedFits(model, categoryForward(model), best, 3)
    expect(fits).toHaveLength(3)
    expect(fits[0]).toBe(best)
    for (const [i, fit] of fits.entries()) {
      // fitImageCandidates lists each hypothesis, then its mirror.
      const candidate = candidates[2 * ranked[i]!.hypothesis + (ranked[i]!.mirrored ? 1 : 0)]!
      expect([fit.pose, fit.loss.total, fit.hypothesis]).toEqual([candidate.pose, candidate.loss.total, candidate.hypothesis])
      expect(fit.projected).toEqual(candidate.projected)
      expect(fit.visible).toEqual(candidate.visible)
    }
    // With a gap, a hypothesis within it of a better one already taken is passed over.
    const gap = Math.PI / 8
    const apart = rankedFits(model, categoryForward(model), best, 8, gap)
    expect(apart[0]).toBe(best)
    const expected: number[] = []
    for (const h of ranked) if (expected.every((e) => Math.abs(wrapAngle(ranked[e]!.params[0]! - h.params[0]!)) >= gap)) expected.push(ranked.indexOf(h))
    expect(apart.map((f) => f.pose.azimuth)).toEqual(expected.map((e) => ranked[e]!.params[0]))
    for (const [i, a] of apart.entries()) for (const b of apart.slice(i + 1)) expect(Math.abs(wrapAngle(a.pose.azimuth - b.pose.azimuth))).toBeGreaterThanOrEqual(gap)
    expect(() => rankedFits(model, categoryForward(model), { ...best, hypotheses: undefined }, 2)).toThrow(/kept no hypotheses/)
  })
})
