import { readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Core } from '../../../src/main/core/create-core'
import { call, copyFixture, importTree, openCore } from './helpers'

const ids = (core: Core, table: 'images' | 'pairs', key: string): Record<string, number> =>
  Object.fromEntries(
    (core.store.db.prepare(`SELECT id, ${key} AS k FROM ${table}`).all() as { id: number; k: string }[]).map((r) => [r.k, r.id]),
  )

function editJson(path: string, edit: (j: Record<string, unknown>) => void): void {
  const j = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  edit(j)
  writeFileSync(path, JSON.stringify(j, null, 4))
}

describe('re-importing a tree', () => {
  it('reports an identical tree as unchanged and leaves the index as it was', async () => {
    const core = openCore()
    const root = copyFixture()
    const first = await importTree(core, root)
    const imageIds = ids(core, 'images', 'stem')
    const second = await importTree(core, root)
    expect(second.status).toBe('unchanged')
    expect(second.summary).toEqual(first.summary)
    expect(ids(core, 'images', 'stem')).toEqual(imageIds)
  })

  it('recognises touched but identical files by their content hash', async () => {
    const core = openCore()
    const root = copyFixture()
    const first = await importTree(core, root)
    const later = new Date(Date.now() + 60_000)
    utimesSync(join(root, 'PairAnnotation/test/000001-2008_000001-2008_000002:cat.json'), later, later)
    const second = await importTree(core, root)
    expect(second.status).toBe('unchanged')
    expect(second.summary.contentHash).toBe(first.summary.contentHash)
  })

  it('updates a changed tree in place: edited, removed and added pairs, stable ids for the rest', async () => {
    const core = openCore()
    const root = copyFixture()
    const first = await importTree(core, root)
    const imageIds = ids(core, 'images', 'stem')
    const pairIds = ids(core, 'pairs', 'name')

    editJson(join(root, 'PairAnnotation/trn/000001-2009_000003-2008_000002:cat.json'), (j) => (j.occlusion = 3))
    rmSync(join(root, 'PairAnnotation/val/000002-2010_000004-2011_000006:bicycle.json'))
    writeFileSync(join(root, 'Layout/large/val.txt'), '000001-2008_000001-2009_000003:cat\n')
    writeFileSync(join(root, 'Layout/small/val.txt'), '')
    const added = '000006-2008_000002-2008_000001:cat'
    const copy = JSON.parse(readFileSync(join(root, 'PairAnnotation/test/000002-2008_000002-2008_000001:cat.json'), 'utf8')) as object
    writeFileSync(join(root, `PairAnnotation/test/${added}.json`), JSON.stringify({ ...copy, pair_id: 6, filename: added }))

    const second = await importTree(core, root)
    expect(second.status).toBe('updated')
    expect(second.warnings).toEqual([])
    expect(second.summary.contentHash).not.toBe(first.summary.contentHash)
    expect(second.summary.pairs).toEqual({ trn: 2, val: 1, test: 5 })
    expect(second.summary.layouts).toEqual({ large: { trn: 2, val: 1, test: 4 }, small: { trn: 1, val: 0, test: 1 } })
    const trn = await call(core, 'datasets.pairs', { name: 'SPair-71k', split: 'trn', occlusion: 3 })
    expect(trn.items.map((p) => p.pairId)).toEqual([1, 2])
    expect(ids(core, 'images', 'stem')).toEqual(imageIds)
    const now = ids(core, 'pairs', 'name')
    expect(now['000001-2009_000003-2008_000002:cat']).toBe(pairIds['000001-2009_000003-2008_000002:cat'])
    expect(now['000002-2010_000004-2011_000006:bicycle']).toBeUndefined()
    expect(now[added]).toBeGreaterThan(Math.max(...Object.values(pairIds)))
  })

  it('keeps the previous index intact when the write fails midway', async () => {
    const core = openCore()
    const root = copyFixture()
    const first = await importTree(core, root)
    editJson(join(root, 'PairAnnotation/trn/000002-2011_000006-2010_000005:bicycle.json'), (j) => (j.mirror = 1))
    rmSync(join(root, 'ImageAnnotation/cat/2009_000003.json'))
    // Aborts while pairs are written, after the data set row, the images and their keypoints were.
    core.store.db.exec(`CREATE TEMP TRIGGER fail_midway BEFORE UPDATE ON pairs WHEN NEW.name = '000005-2010_000005-2010_000004:bicycle'
      BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`)
    await expect(importTree(core, root)).rejects.toThrow(/disk on fire/)

    expect(await call(core, 'datasets.get', { name: 'SPair-71k' })).toEqual(first.summary)
    const mirrored = await call(core, 'datasets.pairs', { name: 'SPair-71k', mirror: 1 })
    expect(mirrored.items.map((p) => p.pairId)).toEqual([1])
    const jobs = await call(core, 'jobs.list', { limit: 5 })
    expect(jobs[0]).toMatchObject({ kind: 'datasets.import', status: 'failed' })

    core.store.db.exec('DROP TRIGGER fail_midway')
    const retry = await importTree(core, root)
    expect([retry.status, retry.summary.images, retry.summary.skipped.images]).toEqual(['updated', 5, 0])
  })

  it('cancels an import at its next slice and leaves the index untouched', async () => {
    const core = openCore()
    const root = copyFixture()
    const first = await importTree(core, root)
    editJson(join(root, 'PairAnnotation/trn/000002-2011_000006-2010_000005:bicycle.json'), (j) => (j.mirror = 1))
    const { jobId } = await call(core, 'datasets.import', { root })
    expect(core.services.jobs.cancel(jobId)).toBe(true)
    await expect(core.services.jobs.wait(jobId)).rejects.toThrow(/cancelled/)
    expect(core.services.jobs.get(jobId).status).toBe('cancelled')
    expect(await call(core, 'datasets.get', { name: 'SPair-71k' })).toEqual(first.summary)
  })

  it('reads a copy whose file names and Layout lines use `_` instead of `:` under the same canonical names', async () => {
    const core = openCore()
    const root = copyFixture()
    for (const split of ['trn', 'val', 'test']) {
      const dir = join(root, 'PairAnnotation', split)
      for (const f of readdirSync(dir)) renameSync(join(dir, f), join(dir, f.replace(':', '_')))
    }
    for (const size of ['large', 'small']) {
      for (const split of ['trn', 'val', 'test']) {
        const path = join(root, 'Layout', size, `${split}.txt`)
        writeFileSync(path, readFileSync(path, 'utf8').replaceAll(':', '_'))
      }
    }
    const result = await importTree(core, root, 'windows-copy')
    expect(result.warnings).toEqual([])
    expect(result.summary.layouts).toEqual({ large: { trn: 2, val: 2, test: 4 }, small: { trn: 1, val: 1, test: 1 } })
    const test = await call(core, 'datasets.pairs', { name: 'windows-copy', split: 'test' })
    expect(test.items[0]).toMatchObject({
      name: '000001-2008_000001-2008_000002:cat',
      file: 'PairAnnotation/test/000001-2008_000001-2008_000002_cat.json',
    })
  })
})
