import { describe, expect, it } from 'vitest'
import type { RequestOf } from '../../../src/shared/ipc/contract'
import { call, callError, FIXTURE, importTree, openCore } from './helpers'
import type { Core } from '../../../src/main/core/create-core'

const bike4 = { category: 'bicycle', stem: '2010_000004' }
const bike5 = { category: 'bicycle', stem: '2010_000005' }
const cat1 = { category: 'cat', stem: '2008_000001' }
const cat2 = { category: 'cat', stem: '2008_000002' }

type Filters = Omit<RequestOf<'datasets.images'>, 'name'>
const shown = async (core: Core, filters: Filters): Promise<string[]> =>
  (await call(core, 'datasets.images', { name: 'fx', ...filters })).items.map((i) => `${i.category}/${i.stem}`)

/** The fixture (6 images) with two tagged, one excluded and one whose keypoint was moved. */
async function curatedFixture(): Promise<Core> {
  const core = openCore()
  await importTree(core, FIXTURE, 'fx')
  await call(core, 'curation.edit', {
    name: 'fx',
    edits: [
      { op: 'image.tags', ...bike4, tags: ['review', 'blurry'] },
      { op: 'image.tags', ...cat1, tags: ['review'] },
      { op: 'image.note', ...cat1, note: 'a note is not an edit of the annotation' },
    ],
  })
  await call(core, 'curation.edit', { name: 'fx', edits: [{ op: 'keypoint.set', ...bike5, kpId: 2, x: 40, y: 50 }] })
  await call(core, 'curation.edit', { name: 'fx', edits: [{ op: 'image.exclude', ...cat2, excluded: true }] })
  return core
}

describe('datasets.images filters by curation overlays, through the contract on a real SQLite file', () => {
  it('selects by tag, excluded and edited, alone and with category, in the grid order', async () => {
    const core = await curatedFixture()
    expect(await shown(core, {})).toHaveLength(6)
    expect(await shown(core, { tag: 'review' })).toEqual(['bicycle/2010_000004', 'cat/2008_000001'])
    expect(await shown(core, { tag: 'review', category: 'cat' })).toEqual(['cat/2008_000001'])
    expect(await shown(core, { tag: 'nobody-uses-this' })).toEqual([])
    expect(await shown(core, { excluded: true })).toEqual(['cat/2008_000002'])
    expect(await shown(core, { excluded: false })).toHaveLength(5)
    // Tags and notes are overlays too, but not edits of the annotation.
    expect(await shown(core, { edited: true })).toEqual(['bicycle/2010_000005'])
    const untouched = ['bicycle/2010_000004', 'bicycle/2011_000006', 'cat/2008_000001', 'cat/2009_000003']
    expect(await shown(core, { edited: false, excluded: false })).toEqual(untouched)
    const page = await call(core, 'datasets.images', { name: 'fx', excluded: false, limit: 2, offset: 4 })
    expect({ total: page.total, items: page.items.length }).toEqual({ total: 5, items: 1 })
    expect(await call(core, 'datasets.tags', { name: 'fx' })).toEqual([
      { tag: 'blurry', images: 1 },
      { tag: 'review', images: 2 },
    ])
  })

  it('datasets.pairs filters the pairs evaluation skips: excluded themselves or through an image, complement by false', async () => {
    const core = await curatedFixture()
    const all = (await call(core, 'datasets.pairs', { name: 'fx' })).items
    // cat/2008_000002 is excluded in the curated fixture: every pair it is in is excluded with it.
    const throughImage = all.filter((p) => p.category === 'cat' && (p.srcStem === cat2.stem || p.trgStem === cat2.stem)).map((p) => p.name)
    expect(throughImage.length).toBeGreaterThan(0)
    const bikePair = all.find((p) => p.category === 'bicycle')!
    await call(core, 'curation.edit', { name: 'fx', edits: [{ op: 'pair.exclude', split: bikePair.split, name: bikePair.name, excluded: true }] })
    const excluded = await call(core, 'datasets.pairs', { name: 'fx', excluded: true })
    expect(excluded.items.map((p) => p.name).sort()).toEqual([...throughImage, bikePair.name].sort())
    expect(excluded.items.every((p) => p.excluded)).toBe(true)
    // Only the bicycle pair was excluded itself: the others leave with their image.
    expect(excluded.items.filter((p) => p.pairExcluded).map((p) => p.name)).toEqual([bikePair.name])
    const kept = await call(core, 'datasets.pairs', { name: 'fx', excluded: false })
    expect(kept.total + excluded.total).toBe(all.length)
    expect(kept.items.some((p) => p.excluded)).toBe(false)
    // Within a category too: the excluded bicycle pair is not among the kept ones.
    expect((await call(core, 'datasets.pairs', { name: 'fx', excluded: false, category: 'bicycle' })).items.map((p) => p.name)).not.toContain(bikePair.name)
    await call(core, 'curation.undo', { name: 'fx' })
    expect((await call(core, 'datasets.pairs', { name: 'fx', excluded: true })).items.map((p) => p.name).sort()).toEqual([...throughImage].sort())
    expect((await call(core, 'datasets.pairs', { name: 'fx', pair: bikePair.name })).items[0]!.pairExcluded).toBe(false)
  })

  it('follows undo: an undone exclusion no longer filters', async () => {
    const core = await curatedFixture()
    await call(core, 'curation.undo', { name: 'fx' })
    expect(await shown(core, { excluded: true })).toEqual([])
  })

  it('rejects a malformed filter with a VALIDATION error naming the field', async () => {
    const core = await curatedFixture()
    const tag = await callError(core, 'datasets.images', { name: 'fx', tag: 'a,b' })
    expect(tag.code).toBe('VALIDATION')
    expect(tag.message).toContain('tag: a tag has no commas')
    const excluded = await callError(core, 'datasets.images', { name: 'fx', excluded: 'yes' })
    expect(excluded).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('excluded') as string })
    expect((await callError(core, 'datasets.tags', { name: 'nope' })).code).toBe('NOT_FOUND')
  })
})

describe('saved views through the contract, on a real SQLite file', () => {
  it('saves, lists, applies, survives a restart, replaces by name and deletes', async () => {
    const core = await curatedFixture()
    const saved = await call(core, 'datasets.views.save', { name: 'fx', view: 'To review', filters: { tag: 'review', excluded: false } })
    expect(saved).toMatchObject({ name: 'To review', filters: { tag: 'review', excluded: false } })
    await call(core, 'datasets.views.save', { name: 'fx', view: 'Hard test pairs', filters: { tab: 'pairs', split: 'test', occlusion: 3 } })

    const again = openCore(core.dataDir)
    core.close()
    const views = await call(again, 'datasets.views.list', { name: 'fx' })
    expect(views.map((v) => v.name)).toEqual(['Hard test pairs', 'To review'])
    const review = views.find((v) => v.name === 'To review')!
    expect(await shown(again, review.filters as Filters)).toEqual(['bicycle/2010_000004', 'cat/2008_000001'])

    const replaced = await call(again, 'datasets.views.save', { name: 'fx', view: 'To review', filters: { edited: true } })
    expect(replaced.filters).toEqual({ edited: true })
    expect(replaced.createdAt).toBe(saved.createdAt)
    expect(await call(again, 'datasets.views.list', { name: 'fx' })).toHaveLength(2)

    expect(await call(again, 'datasets.views.delete', { name: 'fx', view: 'To review' })).toEqual({ deleted: 'To review' })
    expect((await call(again, 'datasets.views.list', { name: 'fx' })).map((v) => v.name)).toEqual(['Hard test pairs'])
    const missing = await callError(again, 'datasets.views.delete', { name: 'fx', view: 'To review' })
    expect(missing).toEqual(expect.objectContaining({ code: 'NOT_FOUND', message: 'saved view "To review" of data set "fx" not found' }))
  })

  it('refuses bad names and filters with a clear VALIDATION error, and stores nothing', async () => {
    const core = await curatedFixture()
    const bad: [unknown, string][] = [
      ['', 'view: a view name is not empty'],
      [' padded', 'view: a view name does not start or end with a space'],
      ['x'.repeat(81), 'view: a view name has at most 80 characters'],
      ['line\nbreak', 'view: a view name has no control characters'],
      [42, 'view:'],
    ]
    for (const [view, message] of bad) {
      const e = await callError(core, 'datasets.views.save', { name: 'fx', view, filters: {} })
      expect(e.code).toBe('VALIDATION')
      expect(e.message).toContain(message)
    }
    const unknown = await callError(core, 'datasets.views.save', { name: 'fx', view: 'ok', filters: { colour: 'red' } })
    expect(unknown).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('filters') as string })
    const range = await callError(core, 'datasets.views.save', { name: 'fx', view: 'ok', filters: { occlusion: 9 } })
    expect(range).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('filters.occlusion') as string })
    expect((await callError(core, 'datasets.views.save', { name: 'nope', view: 'ok', filters: {} })).code).toBe('NOT_FOUND')
    expect(await call(core, 'datasets.views.list', { name: 'fx' })).toEqual([])
  })
})
