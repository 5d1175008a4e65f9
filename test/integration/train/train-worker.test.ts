import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import type { SerializedTrainState } from '../../../src/main/engine/train/checkpoint'
import { writeFeatureFile } from '../../../src/main/features/cache/feature-file'
import { latestCheckpoint } from '../../../src/main/runs/checkpoint'
import type { StoredCheckpoint } from '../../../src/main/runs/checkpoint'
import { launchTrainJob } from '../../../src/main/train/train-host'
import type { TrainEvent, TrainInput, TrainJob } from '../../../src/main/train/train-protocol'
import { tempDir } from '../../helpers/temp-dir'
import { trainWorkerDir } from '../../helpers/train-worker-build'
import { renderView, syntheticObject } from '../../unit/engine/synthetic-views'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).reverse().forEach((f) => f()))

function scratch(): string {
  const dir = tempDir('semagic-train-worker-')
  cleanups.push(() => dir.remove())
  return dir.path
}

/** Views of the engine tests' synthetic object, their features cached as the studio caches them. */
function inputs(dir: string, count: number): TrainInput[] {
  const object = syntheticObject(2, true)
  const rng = new SeededRandom(4)
  return Array.from({ length: count }, (_, k) => {
    const view = renderView(object, [(2 * rng.next() - 1) * Math.PI, 0.25, 0, Math.log(0.6), 0, 0])
    const featureFile = join(dir, `view-${k}.f16`)
    writeFeatureFile(featureFile, view.features)
    return { key: `view-${k}`, mask: view.mask, featureFile }
  })
}

const STEPS = 12

function job(runDir: string, images: TrainInput[], threads: number, resumeFrom: SerializedTrainState | null = null, parts = 0): Omit<TrainJob, 'workerFile'> {
  mkdirSync(runDir, { recursive: true })
  return {
    runDir,
    inputs: images,
    pcaDims: 6,
    pcaSeed: 1,
    engineConfig: { steps: STEPS, batchSize: 5, seed: 7, templateLevel: 2, hypotheses: 4, articulation: { parts } },
    resumeFrom,
    checkpointEvery: 4,
    threads,
    device: 'cpu',
  }
}

const workerFile = (): string => join(trainWorkerDir(), 'train-worker.js')

function resumable(c: StoredCheckpoint): SerializedTrainState {
  return { manifest: c.state as unknown as SerializedTrainState['manifest'], weights: c.tensors }
}

describe('training in a worker thread', () => {
  it('gives the same bits on 1 thread, on 2 threads and in the main thread, with events and checkpoints', { timeout: 120_000 }, async () => {
    const dir = scratch()
    const images = inputs(dir, 9)
    const finals: StoredCheckpoint[] = []
    for (const [name, threads, file] of [['main', 2, null], ['one', 1, workerFile()], ['two', 2, workerFile()]] as const) {
      const events: TrainEvent[] = []
      const handle = launchTrainJob(job(join(dir, name), images, threads), { workerFile: file, onEvent: (e) => events.push(e) })
      expect(handle.thread).toBe(file ? 'worker' : 'main')
      const outcome = await handle.done
      expect(outcome).toMatchObject({ stopped: false, step: STEPS, threads: file ? threads : 1 })
      expect(events[0]).toMatchObject({ type: 'prepared', images: 9, step: 0 })
      expect(events.filter((e) => e.type === 'step').map((e) => e.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1))
      expect(events.filter((e) => e.type === 'checkpoint').map((e) => e.step)).toEqual([4, 8, 12])
      const last = events.findLast((e) => e.type === 'step')
      expect(Number.isFinite(last?.type === 'step' ? last.losses.total : Number.NaN)).toBe(true)
      finals.push(latestCheckpoint(join(dir, name))!)
    }
    for (const c of finals) expect(c.step).toBe(STEPS)
    expect(finals[1]!.weightsSha256).toBe(finals[0]!.weightsSha256)
    expect(finals[2]!.weightsSha256).toBe(finals[0]!.weightsSha256)
    expect(finals[2]!.state).toEqual(finals[0]!.state)
  })

  it('stops promptly when asked, and the last checkpoint resumes (on another thread count) to the uninterrupted bits, with articulation on', { timeout: 120_000 }, async () => {
    const dir = scratch()
    const images = inputs(dir, 9)
    const whole = await launchTrainJob(job(join(dir, 'whole'), images, 2, null, 3), { workerFile: workerFile(), onEvent: () => {} }).done
    expect(whole.step).toBe(STEPS)

    const cutDir = join(dir, 'cut')
    let asked = 0
    const handle = launchTrainJob(job(cutDir, images, 2, null, 3), {
      workerFile: workerFile(),
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 5) {
          asked = e.step
          handle.stop()
        }
      },
    })
    const stopped = await handle.done
    expect(stopped.stopped).toBe(true)
    // The step under way when the message arrived may finish; no more.
    expect(stopped.step).toBeGreaterThanOrEqual(asked)
    expect(stopped.step).toBeLessThanOrEqual(asked + 1)
    const saved = latestCheckpoint(cutDir)!
    expect(saved.step).toBe(stopped.step)

    const resumed = await launchTrainJob(job(cutDir, images, 1, resumable(saved), 3), { workerFile: workerFile(), onEvent: () => {} }).done
    expect(resumed).toMatchObject({ stopped: false, step: STEPS })
    expect(latestCheckpoint(cutDir)!.weightsSha256).toBe(latestCheckpoint(join(dir, 'whole'))!.weightsSha256)
    // The images' rows hold the code and then 3 angles per part, and training moved the angles.
    const codes = latestCheckpoint(cutDir)!.tensors.codes!
    expect(codes.length).toBe(9 * (8 + 9))
    expect(codes.filter((v, q) => q % 17 >= 8 && v !== 0).length).toBeGreaterThan(0)
  })

  it('reports a failure in the worker with its message', { timeout: 60_000 }, async () => {
    const dir = scratch()
    const images = inputs(dir, 3)
    const missing = join(dir, 'missing.f16')
    const handle = launchTrainJob(job(join(dir, 'bad'), [...images, { ...images[0]!, key: 'gone', featureFile: missing }], 2), { workerFile: workerFile(), onEvent: () => {} })
    await expect(handle.done).rejects.toThrow(missing)
  })

  it('is terminated when it does not stop within the grace period, leaving the newest whole checkpoint', { timeout: 60_000 }, async () => {
    const dir = scratch()
    const images = inputs(dir, 6)
    const runDir = join(dir, 'slow')
    const handle = launchTrainJob(job(runDir, images, 1), {
      workerFile: workerFile(),
      stopGraceMs: 0,
      onEvent: (e) => {
        if (e.type === 'checkpoint' && e.step === 4) handle.stop()
      },
    })
    const outcome = await handle.done
    expect(outcome.stopped).toBe(true)
    const saved = latestCheckpoint(runDir)
    expect(saved!.step).toBeGreaterThanOrEqual(4)
  })
})
