import { describe, expect, it } from 'vitest'
import type { Job } from '../../../src/shared/ipc/channels/jobs'
import { call, callError, FIXTURE, importTree, openCore } from './helpers'

const split = (trn: number, val: number, test: number) => ({ trn, val, test })

describe('importing the SPair fixture through the handler registry', () => {
  it('indexes exact counts per category and split, and reports progress through job.updated', async () => {
    const core = openCore()
    const updates: Job[] = []
    core.hub.attach((event, payload) => {
      if (event === 'job.updated') updates.push(payload as Job)
    })
    const result = await importTree(core, FIXTURE)

    expect(result.status).toBe('imported')
    expect(result.warnings).toEqual([])
    expect(result.summary).toMatchObject({
      name: 'SPair-71k',
      root: FIXTURE,
      segmentationRule: 'nonzero',
      images: 6,
      keypoints: 31,
      pairs: split(2, 2, 4),
      categories: { bicycle: { images: 3, pairs: split(1, 1, 2) }, cat: { images: 3, pairs: split(1, 1, 2) } },
      layouts: { large: split(2, 2, 4), small: split(1, 1, 1) },
      skipped: { images: 0, pairs: 0 },
      warningCount: 0,
    })
    expect(Object.keys(result.summary.categories)).toEqual(['bicycle', 'cat'])
    expect(updates.at(-1)).toMatchObject({ kind: 'datasets.import', status: 'succeeded' })
    expect(updates.some((j) => j.status === 'running' && j.progress?.unit === 'files' && j.progress.total === 20)).toBe(true)
    expect(await call(core, 'datasets.list', {})).toEqual([result.summary])
    expect(await call(core, 'datasets.get', { name: 'SPair-71k' })).toEqual(result.summary)
  })

  it('keys pairs by (split, name): pair_id 1 exists in every split, test has a gap at 4', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const all = await call(core, 'datasets.pairs', { name: 'fx' })
    expect(all.total).toBe(8)
    expect(all.items.map((p) => `${p.split}/${p.pairId}`)).toEqual(['trn/1', 'trn/2', 'val/1', 'val/2', 'test/1', 'test/2', 'test/3', 'test/5'])
    expect(new Set(all.items.map((p) => `${p.split}\n${p.name}`)).size).toBe(8)
    expect(all.items.filter((p) => p.pairId === 1).map((p) => p.name)).toEqual([
      '000001-2009_000003-2008_000002:cat',
      '000001-2008_000001-2009_000003:cat',
      '000001-2008_000001-2008_000002:cat',
    ])
  })

  it('serves the test pairs with their keypoint lists, target bbox and flags, and filters them', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const test = await call(core, 'datasets.pairs', { name: 'fx', split: 'test' })
    expect(test.items.map((p) => p.kpsIds.length)).toEqual([3, 3, 2, 4])
    const first = test.items[0]
    expect(first).toMatchObject({
      name: '000001-2008_000001-2008_000002:cat',
      file: 'PairAnnotation/test/000001-2008_000001-2008_000002:cat.json',
      category: 'cat',
      srcStem: '2008_000001',
      trgStem: '2008_000002',
      trgBbox: [10, 20, 110, 70],
      kpsIds: [0, 2, 5],
      flags: { mirror: 0, viewpointVariation: 0, scaleVariation: 0, truncation: 0, occlusion: 0 },
    })
    expect(first?.srcKps).toHaveLength(3)
    expect(test.items.find((p) => p.pairId === 3)?.kpsIds).toEqual([10, 13])

    const mirrored = await call(core, 'datasets.pairs', { name: 'fx', mirror: 1 })
    expect(mirrored.items.map((p) => [p.split, p.name])).toEqual([['trn', '000001-2009_000003-2008_000002:cat']])
    const bikeTest = await call(core, 'datasets.pairs', { name: 'fx', split: 'test', category: 'bicycle' })
    expect(bikeTest.items.map((p) => p.pairId)).toEqual([3, 5])
    const hard = await call(core, 'datasets.pairs', { name: 'fx', truncation: 3, occlusion: 3 })
    expect(hard.items.map((p) => `${p.split}/${p.pairId}`)).toEqual(['trn/2', 'test/5'])
    const small = await call(core, 'datasets.pairs', { name: 'fx', layout: 'small' })
    expect(small.total).toBe(3)
    const page = await call(core, 'datasets.pairs', { name: 'fx', offset: 6, limit: 5 })
    expect([page.total, page.items.map((p) => p.pairId)]).toEqual([8, [3, 5]])
    expect((await call(core, 'datasets.pairs', { name: 'fx', category: 'dog' })).total).toBe(0)
  })

  it('lists images by category and split, and returns one image with its 30 keypoint slots', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const cats = await call(core, 'datasets.images', { name: 'fx', category: 'cat' })
    expect(cats.items.map((i) => [i.stem, i.width, i.height, i.keypointCount])).toEqual([
      ['2008_000001', 500, 375, 6],
      ['2008_000002', 375, 500, 5],
      ['2009_000003', 400, 400, 6],
    ])
    const val = await call(core, 'datasets.images', { name: 'fx', split: 'val' })
    expect(val.items.map((i) => `${i.category}/${i.stem}`)).toEqual(['bicycle/2010_000004', 'bicycle/2011_000006', 'cat/2008_000001', 'cat/2009_000003'])
    const page = await call(core, 'datasets.images', { name: 'fx', offset: 4, limit: 10 })
    expect([page.total, page.items.length]).toEqual([6, 2])

    const image = await call(core, 'datasets.image', { name: 'fx', category: 'cat', stem: '2008_000001' })
    expect(image).toMatchObject({
      file: 'JPEGImages/cat/2008_000001.jpg',
      maskFile: 'Segmentation/cat/2008_000001.png',
      bbox: [40, 30, 460, 350],
      pose: 'Frontal',
      occluded: 1,
      azimuthId: 0,
      splits: ['val', 'test'],
    })
    expect(image.keypoints).toHaveLength(30)
    expect(image.keypoints.flatMap((p, id) => (p ? [id] : []))).toEqual([0, 1, 2, 3, 5, 6])
    const bike = await call(core, 'datasets.image', { name: 'fx', category: 'bicycle', stem: '2010_000004' })
    expect([bike.keypoints[11], bike.keypoints[12]]).toEqual([null, null])
  })

  it('answers NOT_FOUND for an unknown data set or image, BAD_INPUT for a root that is not an SPair tree', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    expect((await callError(core, 'datasets.get', { name: 'nope' })).code).toBe('NOT_FOUND')
    expect((await callError(core, 'datasets.image', { name: 'fx', category: 'cat', stem: '2010_000004' })).code).toBe('NOT_FOUND')
    const notTree = await callError(core, 'datasets.import', { root: `${FIXTURE}/JPEGImages` })
    expect(notTree).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/is not an SPair-71k tree: it has no ImageAnnotation\/ or PairAnnotation\/ folder/) })
    expect((await callError(core, 'datasets.import', { root: 'relative/SPair-71k' })).code).toBe('BAD_INPUT')
    expect((await call(core, 'datasets.list', {})).map((d) => d.name)).toEqual(['fx'])
  })
})
