import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fitImage } from '../../../src/main/engine/infer/fit-image'
import type { MeshFit } from '../../../src/main/engine/infer/fit-image'
import type { CategoryModel } from '../../../src/main/engine/model/category-model'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { trainCategory } from '../../../src/main/engine/train/train-category'
import { fitImages } from '../../../src/main/train/fit-pool'
import type { FitPoolOptions } from '../../../src/main/train/fit-pool'
import { ThreadSlots } from '../../../src/main/train/thread-slots'
import type { FitTask } from '../../../src/main/train/train-protocol'
import { trainWorkerDir } from '../../helpers/train-worker-build'
import { renderView, syntheticObject } from '../../unit/engine/synthetic-views'

const object = syntheticObject(3, true)

function views(count: number, seed: number): FitTask[] {
  const rng = new SeededRandom(seed)
  return Array.from({ length: count }, (_, k) => {
    const view = renderView(object, [(2 * rng.next() - 1) * Math.PI, 0.25, 0, Math.log(0.6), 0.05 * rng.normal(), 0.05 * rng.normal()])
    return { key: `view-${k}`, features: view.features, mask: view.mask }
  })
}

const workerFile = (): string => join(trainWorkerDir(), 'train-worker.js')

async function collect(tasks: FitTask[], pool: FitPoolOptions, model: CategoryModel, stopAfter = Infinity): Promise<Map<string, MeshFit>> {
  const out = new Map<string, MeshFit>()
  const byKey = new Map(tasks.map((t) => [t.key, t]))
  await fitImages(model, [...byKey.keys()], (key) => byKey.get(key)!, pool, { onFit: (key, fit) => out.set(key, fit), shouldStop: () => out.size >= stopAfter })
  return out
}

describe('fitting images on helper threads', () => {
  it('gives the bits of an in-thread fit, on one thread and on two, and stops handing images out on a cancel', { timeout: 120_000 }, async () => {
    const { model } = await trainCategory({ images: views(6, 1) }, { steps: 6, batchSize: 3, templateLevel: 2, hypotheses: 4 })
    const tasks = views(4, 2)
    const here = new Map(tasks.map((t) => [t.key, fitImage(model, t)]))
    for (const pool of [{ workerFile: null, threads: 1 }, { workerFile: workerFile(), threads: 1 }, { workerFile: workerFile(), threads: 2 }]) {
      const fits = await collect(tasks, pool, model)
      expect([...fits.keys()].sort()).toEqual(tasks.map((t) => t.key))
      for (const [key, fit] of fits) {
        const want = here.get(key)!
        expect(fit.vertices).toEqual(want.vertices)
        expect(fit.projected).toEqual(want.projected)
        expect(fit.visible).toEqual(want.visible)
        expect(fit.loss).toEqual(want.loss)
        expect(fit.pose).toEqual(want.pose)
        expect(fit.faces).toBe(model.template.faces)
      }
    }
    // Asked before each hand-out: with two helpers, at most the two in flight finish after the stop.
    const stopped = await collect(tasks, { workerFile: workerFile(), threads: 2 }, model, 1)
    expect(stopped.size).toBeGreaterThanOrEqual(1)
    expect(stopped.size).toBeLessThan(tasks.length)
  })

  it('calls at once share the slots: never more fits in flight than slots, and each call gets the bits of an in-thread fit', { timeout: 120_000 }, async () => {
    const { model } = await trainCategory({ images: views(6, 6) }, { steps: 4, batchSize: 3, templateLevel: 2, hypotheses: 4 })
    // Counts the slots fitImages takes and how many it holds at once, through its own releases.
    class Watched extends ThreadSlots {
      taken = 0
      held = 0
      most = 0
      override async acquire(): Promise<() => void> {
        const release = await super.acquire()
        this.taken++
        this.most = Math.max(this.most, ++this.held)
        let given = false
        return () => {
          if (!given) this.held--
          given = true
          release()
        }
      }
    }
    const slots = new Watched(1)
    const [first, second] = [views(3, 7), views(2, 8)]
    const pool = { workerFile: workerFile(), threads: 2, slots }
    const [a, b] = await Promise.all([collect(first, pool, model), collect(second, pool, model)])
    // Every fit took a slot (a helper may take one more and find the list done), one at a time, all given back.
    expect(slots.taken).toBeGreaterThanOrEqual(first.length + second.length)
    expect(slots.most).toBe(1)
    expect(slots.held).toBe(0)
    expect(slots.busy).toBe(0)
    for (const [tasks, fits] of [
      [first, a],
      [second, b],
    ] as const) {
      expect([...fits.keys()].sort()).toEqual(tasks.map((t) => t.key))
      for (const t of tasks) expect(fits.get(t.key)!.projected).toEqual(fitImage(model, t).projected)
    }
  })

  it('fails the job with the helper\'s message when a fit throws there', { timeout: 60_000 }, async () => {
    const { model } = await trainCategory({ images: views(4, 3) }, { steps: 2, batchSize: 2, templateLevel: 2, hypotheses: 2 })
    const [good] = views(1, 4)
    // Features with another channel count than the model's PCA expects: fitImage refuses them.
    const bad: FitTask = { ...good!, key: 'bad', features: { ...good!.features, channels: 3, data: good!.features.data.slice(0, 3 * good!.features.height * good!.features.width) } }
    await expect(collect([bad], { workerFile: workerFile(), threads: 2 }, model)).rejects.toThrow(/channels/)
    // One bad image among good ones ends the job with its error, and no fit is reported after it.
    const fits: string[] = []
    const tasks = [bad, ...views(3, 5)]
    const byKey = new Map(tasks.map((t) => [t.key, t]))
    await expect(fitImages(model, [...byKey.keys()], (key) => byKey.get(key)!, { workerFile: workerFile(), threads: 2 }, { onFit: (key) => fits.push(key) })).rejects.toThrow(/channels/)
    expect(fits.length).toBeLessThanOrEqual(1)
  })

  it('starts a helper only once it holds a slot: a call stopped while it waits starts none', async () => {
    const { model } = await trainCategory({ images: views(4, 3) }, { steps: 1, batchSize: 2, templateLevel: 2, hypotheses: 2 })
    const slots = new ThreadSlots(1)
    const held = await slots.acquire()
    let stopped = false
    const fits: string[] = []
    const tasks = views(2, 9)
    // A helper started from this file would fail the call: only one that never starts lets it end cleanly.
    const call = fitImages(model, tasks.map((t) => t.key), (key) => tasks.find((t) => t.key === key)!, { workerFile: '/nonexistent/train-worker.js', threads: 2, slots }, { onFit: (key) => fits.push(key), shouldStop: () => stopped })
    await new Promise((resolve) => setTimeout(resolve, 50))
    stopped = true
    held()
    await expect(call).resolves.toBeUndefined()
    expect(fits).toEqual([])
    expect(slots.busy).toBe(0)
  })

  it('starts no helper for nothing to fit (a file that does not exist is never opened)', async () => {
    const { model } = await trainCategory({ images: views(4, 3) }, { steps: 1, batchSize: 2, templateLevel: 2, hypotheses: 2 })
    await expect(collect([], { workerFile: '/nonexistent/train-worker.js', threads: 2 }, model)).resolves.toEqual(new Map())
  })
})
