import { describe, expect, it } from 'vitest'
import { CAMERA_SIZE, cameraParams, turnCamera, wrapAngle } from '../../../src/main/engine/camera/view-camera'
import { trainingFits } from '../../../src/main/engine/infer/fit-image'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { frameSyncSteps, synchroniseFrames } from '../../../src/main/engine/train/frame-sync'
import { runTraining, startTraining } from '../../../src/main/engine/train/train-category'
import { renderView, syntheticObject } from './synthetic-views'

const object = syntheticObject(3, true)

/** Renders at random azimuths, and those azimuths. */
function images(count: number, seed: number) {
  const rng = new SeededRandom(seed)
  const truths: number[] = []
  const rendered = Array.from({ length: count }, (_, k) => {
    const az = (2 * rng.next() - 1) * Math.PI
    truths.push(az)
    return { key: `view-${k}`, ...renderView(object, [az, 0.2 + 0.1 * rng.next(), 0.05 * rng.normal(), Math.log(0.55 + 0.1 * rng.next()), 0.1 * rng.normal(), 0.1 * rng.normal()]) }
  })
  return { images: rendered, truths }
}

describe('frame synchronisation across the training images', () => {
  it('runs a third and two thirds of the way through', () => {
    expect(frameSyncSteps(600)).toEqual([200, 400])
    expect(frameSyncSteps(2)).toEqual([1])
  })

  it('a run with frameSync synchronises after those steps, and says what it did', async () => {
    const { state, targets } = startTraining({ images: images(6, 2).images }, { steps: 6, batchSize: 3, hypotheses: 2, templateLevel: 2, frameSync: true })
    const seen: number[] = []
    await runTraining(state, targets, { onFrameSync: (step, sync) => seen.push(step, sync.turnedRows.length) })
    expect(seen.filter((_, k) => k % 2 === 0)).toEqual([2, 4])
    for (const turned of seen.filter((_, k) => k % 2 === 1)) expect(turned).toBeLessThanOrEqual(3)
  })

  it('turns back the images whose cameras were turned half a circle, by their features against the others\'', async () => {
    const { images: rendered, truths } = images(16, 7)
    const { state, targets } = startTraining({ images: rendered }, { steps: 80, batchSize: 8, seed: 3, featureWeightRamp: 0.2 })
    await runTraining(state, targets)
    // Every image's hypotheses collapsed onto its kept camera, then five images' turned half a circle.
    const H = state.config.hypotheses
    const kept = trainingFits(state, targets)
    const turned = [0, 3, 5, 9, 12]
    kept.forEach((fit, row) => {
      const own = cameraParams(fit.pose, fit.camera)
      const params = turned.includes(row) ? turnCamera(own) : own
      for (let h = 0; h < H; h++) state.cameras.value.set(params, (row * H + h) * CAMERA_SIZE)
    })
    const keptBefore = Float32Array.from(state.keptAzimuths)
    expect(keptBefore.every(Number.isFinite)).toBe(true)
    const sync = synchroniseFrames(state, targets)
    expect(sync.after).toBeGreaterThan(sync.before)
    // The azimuths the viewpoint prior reads turn with the cameras, and only those.
    keptBefore.forEach((a, row) => {
      if (sync.turnedRows.includes(row)) expect(Math.abs(wrapAngle(state.keptAzimuths[row]! - a))).toBeCloseTo(Math.PI, 5)
      else expect(state.keptAzimuths[row]).toBe(a)
    })
    // After it every image's camera is in one frame against the truth (the model's own frame is
    // arbitrary: one offset for all), the five turned ones included; the 80 steps of training had
    // left one more image, row 4, turned against the rest, and that one is turned too.
    const offsets = kept.map((_, row) => wrapAngle(state.cameras.value[row * H * CAMERA_SIZE]! - truths[row]!))
    for (const o of offsets) expect(Math.abs(wrapAngle(o - offsets[1]!))).toBeLessThan(0.6)
    expect(sync.turnedRows).toEqual([...turned, 4].sort((a, b) => a - b))
    expect(Math.abs(wrapAngle(state.cameras.value[4 * H * CAMERA_SIZE]! - kept[4]!.pose.azimuth))).toBeCloseTo(Math.PI, 5)
  })
})
