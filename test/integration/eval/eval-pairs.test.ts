import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { call, callError, FIXTURE, importTree, openCore, scratch } from '../datasets/helpers'

type Core = ReturnType<typeof openCore>

/**
 * Predictions for the fixture's four test pairs (target box sides T: pair 1 100 px, 2 420, 3 270, 5 280):
 * pair 1 off by 10, 9 and 11 px (mean error 0.1 T); pair 2 exact; pair 3's first point 81 px off
 * (0.3 T, mean 0.15); pair 5's first point missing.
 */
async function evaluated(core: Core): Promise<string> {
  await importTree(core, FIXTURE, 'fx')
  const pairs = await call(core, 'datasets.pairs', { name: 'fx', split: 'test' })
  const lines = pairs.items.map((p) => {
    const k = p.trgKps
    const kps =
      p.pairId === 1
        ? [[k[0]![0] + 6, k[0]![1] + 8], [k[1]![0] + 9, k[1]![1]], [k[2]![0], k[2]![1] - 11]]
        : p.pairId === 3
          ? [[k[0]![0] + 81, k[0]![1]], k[1]]
          : p.pairId === 5
            ? [null, ...k.slice(1)]
            : k
    return JSON.stringify({ pair: p.name, split: 'test', kps })
  })
  const file = join(scratch(), 'predictions.jsonl')
  writeFileSync(file, `${lines.join('\n')}\n`)
  const method = `predictions:${file}`
  const { jobId } = await call(core, 'eval.run', { dataset: 'fx', method })
  await core.services.jobs.wait(jobId)
  return method
}

describe('eval.pairs: per-pair results of an evaluated method', () => {
  it('scores each pair from the cached predictions, sorted worst first and paged', async () => {
    const core = openCore()
    const method = await evaluated(core)
    const worst = await call(core, 'eval.pairs', { dataset: 'fx', method })
    expect(worst).toMatchObject({ method, dataset: 'fx', split: 'test', alpha: 0.1, total: 4, offset: 0, stale: false })
    expect(worst.items.map((i) => i.pairId)).toEqual([3, 1, 5, 2])
    const byId = new Map(worst.items.map((i) => [i.pairId, i]))
    expect(byId.get(3)).toMatchObject({ category: 'bicycle', srcStem: '2010_000004', trgStem: '2010_000005', points: 2, correct: 1, pck: 0.5, threshold: 270, missing: 0 })
    expect(byId.get(3)!.meanNormError).toBeCloseTo(0.15, 12)
    expect(byId.get(3)!.predicted).toEqual([[241, 290], [51, 179]])
    expect(byId.get(1)!.pck).toBeCloseTo(2 / 3, 12)
    expect(byId.get(1)!.meanNormError).toBeCloseTo(0.1, 12)
    expect(byId.get(5)).toMatchObject({ pck: 0.75, missing: 1, meanNormError: null })
    expect(byId.get(5)!.predicted[0]).toBeNull()
    expect(byId.get(2)).toMatchObject({ pck: 1, meanNormError: 0, kpsIds: [0, 2, 5] })
    expect(worst.perImage).toBeCloseTo((0.5 + 2 / 3 + 0.75 + 1) / 4, 12)

    // Largest error first: a missing point counts as the largest.
    const byError = await call(core, 'eval.pairs', { dataset: 'fx', method, sort: 'error', descending: true })
    expect(byError.items.map((i) => i.pairId)).toEqual([5, 3, 1, 2])
    const best = await call(core, 'eval.pairs', { dataset: 'fx', method, sort: 'error' })
    expect(best.items.map((i) => i.pairId)).toEqual([2, 1, 3, 5])
    // Another alpha re-scores: at 0.15 pair 1 is all correct, and ties go to the larger error.
    const a15 = await call(core, 'eval.pairs', { dataset: 'fx', method, alpha: 0.15 })
    expect(a15.items.map((i) => [i.pairId, i.pck])).toEqual([[3, 0.5], [5, 0.75], [1, 1], [2, 1]])
    // '<' makes pair 1's 10 px point wrong at 0.1.
    const lt = await call(core, 'eval.pairs', { dataset: 'fx', method, compare: 'lt', sort: 'pair' })
    expect(lt.items.find((i) => i.pairId === 1)!.pck).toBeCloseTo(1 / 3, 12)

    const page = await call(core, 'eval.pairs', { dataset: 'fx', method, offset: 1, limit: 2 })
    expect(page).toMatchObject({ total: 4, offset: 1 })
    expect(page.items.map((i) => i.pairId)).toEqual([1, 5])
    const cats = await call(core, 'eval.pairs', { dataset: 'fx', method, category: 'cat', sort: 'pair' })
    expect(cats.items.map((i) => i.pairId)).toEqual([1, 2])
    expect(cats.total).toBe(2)
    expect(cats.items.map((i) => i.index)).toEqual([byId.get(1)!.index, byId.get(2)!.index])
    const one = await call(core, 'eval.pairs', { dataset: 'fx', method, pair: byId.get(3)!.name })
    expect(one.total).toBe(1)
    expect(one.items[0]).toEqual(byId.get(3))
  })

  it('reads the predictions from the SQLite file after a restart, and marks them stale after curation', async () => {
    const dir = scratch()
    const first = openCore(dir)
    const method = await evaluated(first)
    first.close()
    const core = openCore(dir)
    const again = await call(core, 'eval.pairs', { dataset: 'fx', method })
    expect(again.items.map((i) => i.pairId)).toEqual([3, 1, 5, 2])
    const [pair3] = again.items
    await call(core, 'curation.edit', { name: 'fx', edits: [{ op: 'pair.exclude', split: 'test', name: pair3!.name, excluded: true }] })
    const curated = await call(core, 'eval.pairs', { dataset: 'fx', method })
    expect(curated.stale).toBe(true)
    expect(curated.items.map((i) => i.pairId)).toEqual([1, 5, 2])
  })

  it('says when a method was not evaluated, and refuses bad requests', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    expect((await callError(core, 'eval.pairs', { dataset: 'fx', method: 'nn-handmade' })).message).toMatch(/has not been evaluated on fx\/test/)
    expect((await callError(core, 'eval.pairs', { dataset: 'nope', method: 'nn-handmade' })).code).toBe('NOT_FOUND')
    expect((await callError(core, 'eval.pairs', { dataset: 'fx', method: 'x', limit: 0 })).code).toBe('VALIDATION')
    expect((await callError(core, 'eval.pairs', { dataset: 'fx', method: 'x', sort: 'random' })).code).toBe('VALIDATION')
  })
})
