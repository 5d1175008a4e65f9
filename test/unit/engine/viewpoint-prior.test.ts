import { describe, expect, it } from 'vitest'
import { AZIMUTH, CAMERA_SIZE, wrapAngle } from '../../../src/main/engine/camera/view-camera'
import { viewTarget } from '../../../src/main/engine/losses/view-target'
import type { ViewTarget } from '../../../src/main/engine/losses/view-target'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { resolveConfig } from '../../../src/main/engine/model/config'
import { deserializeTrainState, serializeTrainState } from '../../../src/main/engine/train/checkpoint'
import type { SerializedTrainState } from '../../../src/main/engine/train/checkpoint'
import { bestHypothesis, priorLosses } from '../../../src/main/engine/train/image-step'
import { continueTraining, runTraining, startTraining } from '../../../src/main/engine/train/train-category'
import { REGRESSION_FOLDS, givenPrior, imageDescriptor, neighbourAzimuths, priorDisagreement, regressionPriors, viewpointGraph, viewpointRegression } from '../../../src/main/engine/train/viewpoint-prior'
import { renderView, syntheticObject } from './synthetic-views'

const GRID = 16
const MASK = 64

/**
 * A box of grid cells [x0, x0 + w) x [y0, y0 + h) on a 16 x 16 feature grid (64 x 64 mask, 4
 * mask pixels a cell): channel 0 lit on the box's leftmost quarter (its rightmost with `flip`),
 * channel 1 on the rest: a "head" at one end.
 */
function boxTarget(x0: number, y0: number, w: number, h: number, flip = false): ViewTarget {
  const data = new Float32Array(2 * GRID * GRID)
  const mask = new Uint8Array(MASK * MASK)
  for (let i = y0; i < y0 + h; i++) {
    for (let j = x0; j < x0 + w; j++) {
      const head = flip ? j >= x0 + (3 * w) / 4 : j < x0 + w / 4
      data[(head ? 0 : 1) * GRID * GRID + i * GRID + j] = 1
      for (let y = 4 * i; y < 4 * i + 4; y++) for (let x = 4 * j; x < 4 * j + 4; x++) mask[y * MASK + x] = 1
    }
  }
  return viewTarget({ channels: 2, height: GRID, width: GRID, stride: 4, data }, { width: MASK, height: MASK, data: mask })
}

const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, k) => s + v * b[k]!, 0)

describe('viewpoint prior: the look-alike graph', () => {
  it('an image\'s descriptor does not depend on where the object is in the crop, hardly on its size, but on which end its head is', () => {
    const a = imageDescriptor(boxTarget(2, 3, 8, 4))
    const flipped = imageDescriptor(boxTarget(2, 3, 8, 4, true))
    expect(dot(a, a)).toBeCloseTo(1, 12)
    expect(dot(a, imageDescriptor(boxTarget(6, 9, 8, 4)))).toBeCloseTo(1, 12)
    expect(dot(a, imageDescriptor(boxTarget(1, 2, 12, 6)))).toBeGreaterThan(0.95)
    // By hand: the box's 8 cell columns fall into the descriptor's thirds as 3, 2, 3; the head's 2
    // columns make its third (2/3, 1/3) and the others (0, 1), so |a|^2 = 5/9 + 2 and a.flipped =
    // 1/3 + 1 + 1/3: cosine 15/23.
    expect(dot(a, flipped)).toBeCloseTo(15 / 23, 12)
  })

  it('links each image to the ones that look most alike, with their cosine as weight', () => {
    const targets = [boxTarget(2, 3, 8, 4), boxTarget(4, 2, 8, 4, true), boxTarget(5, 9, 8, 4), boxTarget(0, 0, 8, 4, true)]
    const graph = viewpointGraph(targets, 1)
    expect([...graph.neighbours]).toEqual([2, 3, 0, 1])
    for (const w of graph.weights) expect(w).toBeCloseTo(1, 6)
    expect(viewpointGraph(targets, 10).k).toBe(3)
  })

  it('reads only the neighbours that have kept an azimuth', () => {
    const graph = { k: 3, neighbours: Int32Array.from([1, 2, 3]), weights: Float32Array.from([0.5, 0.9, 0]) }
    const kept = Float32Array.from([0, 0.25, Number.NaN, 1])
    // Row 2 has no azimuth yet, row 3's weight is 0.
    expect([...neighbourAzimuths(graph, kept, 0)]).toEqual([0.25, 0.5])
  })
})

describe('viewpoint prior: the regression', () => {
  // Ten images, heads at one end or the other, at several places and sizes in the crop; the
  // kept azimuths follow the heads (0 for left, pi for right).
  const targets = Array.from({ length: 10 }, (_, i) => boxTarget(1 + (i % 3), 2 + (i % 4), 8, 4 + (i % 2) * 2, i % 2 === 1))
  const regression = viewpointRegression(targets)
  const kept = Float32Array.from(targets, (_, i) => (i % 2 ? Math.PI : 0))

  it('predicts each image\'s azimuth from the other folds\' images, confidently where they agree', () => {
    expect(regression.parts).toHaveLength(REGRESSION_FOLDS)
    for (let row = 0; row < targets.length; row++) {
      const prior = regressionPriors(regression, kept)(row)
      expect(Math.abs(wrapAngle(prior[0]! - kept[row]!))).toBeLessThan(1e-6)
      // Weight (1 + r) / 2 toward the prediction: r well above 0.
      expect(prior[1]).toBeGreaterThan(0.8)
      expect(prior[1]! + prior[3]!).toBeCloseTo(1, 12)
      expect(priorDisagreement(prior, kept[row]!)).toBeLessThan(0.2)
    }
  })

  it('never reads the image\'s own azimuth, and says nothing before any image outside its fold has kept one', () => {
    const own = Float32Array.from(kept)
    own[3] = 0
    // Row 3's prediction does not move when only its own azimuth does.
    expect(regressionPriors(regression, own)(3)).toEqual(regressionPriors(regression, kept)(3))
    const unknown = keptUnknownBut(kept, [3, 8])
    expect(regressionPriors(regression, unknown)(3)).toHaveLength(0)
  })

  it('the pair it returns makes the disagreement (1 - r cos(difference)) / 2', () => {
    const r = 0.4
    const pair = Float64Array.from([1, (1 + r) / 2, 1 + Math.PI, (1 - r) / 2])
    expect(priorDisagreement(pair, 1)).toBeCloseTo((1 - r) / 2, 12)
    expect(priorDisagreement(pair, 1 + Math.PI / 2)).toBeCloseTo(0.5, 12)
  })
})

/** `kept` with every row unknown (NaN) but `rows`. */
function keptUnknownBut(kept: Float32Array, rows: number[]): Float32Array {
  return Float32Array.from(kept, (a, i) => (rows.includes(i) ? a : Number.NaN))
}

describe('viewpoint prior: the choice between hypotheses', () => {
  it('disagreement is (1 - cos) / 2, weighted over the neighbours: 0 agreeing, 1/2 a quarter turn, 1 opposite', () => {
    const one = Float64Array.from([0, 1])
    expect(priorDisagreement(one, 0)).toBe(0)
    expect(priorDisagreement(one, Math.PI / 2)).toBeCloseTo(0.5, 12)
    expect(priorDisagreement(one, Math.PI)).toBeCloseTo(1, 12)
    // Weights 3 and 1 at 0 and pi: (3 x 0 + 1 x 2) / (2 x 4) at 0.
    expect(priorDisagreement(Float64Array.from([0, 3, Math.PI, 1]), 0)).toBeCloseTo(0.25, 12)
    expect(priorDisagreement(new Float64Array(0), 1)).toBe(0)
  })

  it('raises each loss by weight x disagreement: a slightly better hypothesis facing away loses to one facing as the neighbours do', () => {
    const cam = new Float64Array(2 * CAMERA_SIZE)
    cam[AZIMUTH] = Math.PI
    cam[CAMERA_SIZE + AZIMUTH] = 0
    const losses = [0.95, 1]
    const prior = Float64Array.from([0.1, 1, -0.1, 1])
    expect(bestHypothesis(priorLosses(losses, cam, 0, prior, 0))).toBe(0)
    expect(bestHypothesis(priorLosses(losses, cam, 0, prior, 0.01))).toBe(0)
    expect(bestHypothesis(priorLosses(losses, cam, 0, prior, 0.1))).toBe(1)
    expect(priorLosses(losses, cam, 0, new Float64Array(0), 0.1)).toBe(losses)
  })

  it('is a non-negative weight, named when it is not', () => {
    expect(() => resolveConfig({ viewpointPrior: -1 })).toThrow(/viewpointPrior must be a non-negative number/)
    expect(resolveConfig({}).viewpointPrior).toBe(0)
    expect(() => resolveConfig({ viewpointSource: 'encoder' as 'regression' })).toThrow(/viewpointSource must be 'look-alikes' or 'regression', got "encoder"/)
  })
})

describe('viewpoint prior in training', () => {
  const object = syntheticObject(2)
  const rng = new SeededRandom(5)
  const images = Array.from({ length: 8 }, (_, k) => ({
    key: `view-${k}`,
    ...renderView(object, [(2 * rng.next() - 1) * Math.PI, 0.25, 0, Math.log(0.6), 0.05 * rng.normal(), 0.05 * rng.normal()]),
  }))
  const config = { steps: 6, batchSize: 4, hypotheses: 4, templateLevel: 2, viewpointPrior: 0.3 }

  it.each(['look-alikes', 'regression'] as const)('records each trained image\'s kept azimuth, one of its hypotheses\', and resumes from a checkpoint bit for bit (%s)', async (source) => {
    const { state, targets } = startTraining({ images }, { ...config, viewpointSource: source })
    // All rows known: the regression's prior is one [azimuth, weight] pair and its opposite, the graph's one pair for each of 7 neighbours.
    expect(state.viewpointPrior!(new Float32Array(images.length).fill(0.5))(0)).toHaveLength(source === 'regression' ? 4 : 14)
    let middle: SerializedTrainState | null = null
    await runTraining(state, targets, { checkpointEvery: 3, onCheckpoint: (s) => (middle ??= s) })
    const H = config.hypotheses
    let known = 0
    state.keptAzimuths.forEach((a, row) => {
      if (!Number.isFinite(a)) return
      known++
      const own = Array.from({ length: H }, (_, h) => state.cameras.value[(row * H + h) * CAMERA_SIZE + AZIMUTH]!)
      expect(own.some((o) => Math.abs(o - a) < 0.2)).toBe(true)
    })
    expect(known).toBeGreaterThan(4)
    expect(deserializeTrainState(middle!).keptAzimuths.some(Number.isFinite)).toBe(true)
    const resumed = await continueTraining(middle!, { images })
    expect(resumed.state.keptAzimuths).toEqual(state.keptAzimuths)
    expect(resumed.state.cameras.value).toEqual(state.cameras.value)
    expect(serializeTrainState(resumed.state).weights.keptAzimuths).toEqual(state.keptAzimuths)
  })

  it('given azimuths take the neighbours\' place: with a large weight every image keeps its hypothesis nearest its given azimuth', async () => {
    const { state, targets } = startTraining({ images }, { ...config, viewpointPrior: 100 })
    const given = Float32Array.from(images, (_, k) => (k % 2 ? 2 : -1))
    state.viewpointPrior = givenPrior(given)
    await runTraining(state, targets)
    const H = config.hypotheses
    const off = (a: number, b: number): number => Math.abs(wrapAngle(a - b))
    let known = 0
    state.keptAzimuths.forEach((a, row) => {
      if (!Number.isFinite(a)) return
      known++
      const nearest = Math.min(...Array.from({ length: H }, (_, h) => off(state.cameras.value[(row * H + h) * CAMERA_SIZE + AZIMUTH]!, given[row]!)))
      // The kept hypothesis' azimuth as it was chosen; the step's camera update moves it a little since.
      expect(off(a, given[row]!)).toBeLessThan(nearest + 0.1)
      expect(off(a, given[row]!)).toBeLessThan(Math.PI / 2)
    })
    expect(known).toBeGreaterThan(4)
  })

  it('changes which hypotheses the run keeps, against the same run without it', async () => {
    const on = startTraining({ images }, { ...config, viewpointPrior: 3 })
    const off = startTraining({ images }, { ...config, viewpointPrior: 0 })
    expect(off.state.viewpointPrior).toBeNull()
    await runTraining(on.state, on.targets)
    await runTraining(off.state, off.targets)
    expect(on.state.keptAzimuths).not.toEqual(off.state.keptAzimuths)
  })
})
