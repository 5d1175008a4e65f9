import { describe, expect, it } from 'vitest'
import { call, callError, FIXTURE, importTree, openCore } from '../datasets/helpers'

const cat1 = { category: 'cat', stem: '2008_000001' }

describe('curation through the contract, on a real SQLite file', () => {
  it('applies edits as overlays, leaving the imported annotation as it was', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const before = await call(core, 'datasets.image', { name: 'fx', ...cat1 })
    const firstId = before.keypoints.findIndex((p) => p !== null)
    expect(firstId).toBeGreaterThanOrEqual(0)

    await call(core, 'curation.edit', { name: 'fx', edits: [{ op: 'keypoint.set', ...cat1, kpId: firstId, x: 12.5, y: 30 }] })
    await call(core, 'curation.edit', { name: 'fx', edits: [{ op: 'image.tags', ...cat1, tags: ['check', 'blurry'] }] })

    const curated = await call(core, 'curation.image', { name: 'fx', ...cat1 })
    expect(curated.keypoints[firstId]).toEqual({ point: [12.5, 30], visible: true, edited: true })
    expect(curated.tags).toEqual(['blurry', 'check'])
    expect(curated.editedFields).toEqual([`kp.${firstId}`, 'tags'])
    expect(await call(core, 'datasets.image', { name: 'fx', ...cat1 })).toEqual(before)
    expect(curated.original).toEqual(before)
  })

  it('undoes and redoes whole gestures, persists the stack, and forks history on a new edit', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const gesture = [
      { op: 'image.exclude' as const, ...cat1, excluded: true },
      { op: 'image.note' as const, ...cat1, note: 'occluded by a chair' },
    ]
    await call(core, 'curation.edit', { name: 'fx', edits: gesture, label: 'exclude with a note' })
    expect(await call(core, 'curation.state', { name: 'fx' })).toEqual({
      canUndo: true,
      canRedo: false,
      undoLabel: 'exclude with a note (2 edits)',
      redoLabel: null,
      applied: 2,
    })
    const undone = await call(core, 'curation.undo', { name: 'fx' })
    expect(undone.undone).toBe('exclude with a note (2 edits)')
    expect(await call(core, 'curation.image', { name: 'fx', ...cat1 })).toMatchObject({ excluded: false, note: '', editedFields: [] })

    // The undo stack survives a restart of the studio.
    const again = openCore(core.dataDir)
    core.close()
    expect(await call(again, 'curation.state', { name: 'fx' })).toMatchObject({ canUndo: false, canRedo: true })
    await call(again, 'curation.redo', { name: 'fx' })
    expect(await call(again, 'curation.image', { name: 'fx', ...cat1 })).toMatchObject({ excluded: true, note: 'occluded by a chair' })

    await call(again, 'curation.undo', { name: 'fx' })
    await call(again, 'curation.edit', { name: 'fx', edits: [{ op: 'image.tags', ...cat1, tags: ['x'] }] })
    expect(await call(again, 'curation.state', { name: 'fx' })).toMatchObject({ canRedo: false, applied: 1 })
    const history = await call(again, 'curation.history', { name: 'fx' })
    expect(history.total).toBe(3)
    expect(history.items.map((h) => h.state)).toEqual(['applied', 'discarded', 'discarded'])
    expect(history.items[0]).toMatchObject({ label: 'tag cat/2008_000001: x', field: 'tags', before: null, after: ['x'] })
    expect(history.items[0]?.author).not.toBe('')
    expect(Date.parse(history.items[0]!.createdAt)).not.toBeNaN()
  })

  it('moves a keypoint twice in one gesture and undoes back to the original', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const edits = [
      { op: 'keypoint.set' as const, ...cat1, kpId: 20, x: 1, y: 1 },
      { op: 'keypoint.set' as const, ...cat1, kpId: 20, x: 2, y: 2 },
      { op: 'keypoint.visibility' as const, ...cat1, kpId: 20, visible: false },
    ]
    await call(core, 'curation.edit', { name: 'fx', edits })
    expect((await call(core, 'curation.image', { name: 'fx', ...cat1 })).keypoints[20]).toEqual({ point: [2, 2], visible: false, edited: true })
    await call(core, 'curation.undo', { name: 'fx' })
    expect((await call(core, 'curation.image', { name: 'fx', ...cat1 })).keypoints[20]).toBeNull()
  })

  it('rejects a bad gesture as a whole, naming the problem, and stores none of it', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const error = await callError(core, 'curation.edit', {
      name: 'fx',
      edits: [
        { op: 'image.tags', ...cat1, tags: ['ok'] },
        { op: 'keypoint.set', ...cat1, kpId: 2, x: 9999, y: 1 },
      ],
    })
    expect(error).toMatchObject({ code: 'BAD_INPUT' })
    expect(error.message).toMatch(/cat\/2008_000001: keypoint 2 at \(9999, 1\) is outside the 500x375 image/)
    expect(await call(core, 'curation.history', { name: 'fx' })).toMatchObject({ total: 0 })
    expect((await call(core, 'curation.image', { name: 'fx', ...cat1 })).tags).toEqual([])

    expect(await callError(core, 'curation.edit', { name: 'fx', edits: [{ op: 'image.exclude', category: 'cat', stem: 'nope', excluded: true }] })).toMatchObject({
      code: 'NOT_FOUND',
    })
    expect(await callError(core, 'curation.edit', { name: 'fx', edits: [{ op: 'pair.exclude', split: 'test', name: 'nope', excluded: true }] })).toMatchObject({
      code: 'NOT_FOUND',
    })
    expect(await callError(core, 'curation.edit', { name: 'fx', edits: [{ op: 'keypoint.set', ...cat1, kpId: 30, x: 1, y: 1 }] })).toMatchObject({
      code: 'VALIDATION',
    })
  })

  it('keeps overlays across a re-import of the same tree', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    await call(core, 'curation.edit', { name: 'fx', edits: [{ op: 'bbox.set', ...cat1, bbox: [5, 6, 100, 120] }] })
    const { jobId } = await call(core, 'datasets.import', { root: FIXTURE, name: 'fx' })
    await core.services.jobs.wait(jobId)
    expect((await call(core, 'curation.image', { name: 'fx', ...cat1 })).bbox).toEqual([5, 6, 100, 120])
  })
})
