import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ExtractSummary } from '../../../src/shared/ipc/channels/features'
import { dinoLikeModel, writeModel } from '../../helpers/onnx-model'
import { call, callError, copyFixture, FIXTURE, importTree, openCore, scratch } from '../datasets/helpers'

async function extract(core: ReturnType<typeof openCore>, name: string, backbone: string): Promise<ExtractSummary> {
  const { jobId } = await call(core, 'features.extract', { name, backbone })
  return (await core.services.jobs.wait(jobId)) as ExtractSummary
}

describe('feature extraction and its cache, through the contract', () => {
  it('computes every image once, then serves them from the cache', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const first = await extract(core, 'fx', 'handmade')
    expect(first).toMatchObject({ dataset: 'fx', backbone: 'handmade', images: 6, computed: 6, cached: 0, failed: [] })
    const again = await extract(core, 'fx', 'handmade')
    expect(again).toMatchObject({ images: 6, computed: 0, cached: 6, settingsHash: first.settingsHash })

    const cache = await call(core, 'features.cache', {})
    expect(cache).toHaveLength(1)
    expect(cache[0]).toMatchObject({ backbone: 'handmade', settingsHash: first.settingsHash, files: 6 })
    expect(cache[0]!.bytes).toBe(6 * (24 + 2 * first.channels * first.grid.height * first.grid.width))

    const set = await core.services.features.ensure('fx', 'handmade', {})
    const entry = set.entries.get('cat/2008_000001')!
    const map = core.services.features.load(entry)
    expect([map.channels, map.height, map.width]).toEqual([first.channels, first.grid.height, first.grid.width])
    let norm = 0
    for (let c = 0; c < map.channels; c++) norm += map.data[c * map.height * map.width]! ** 2
    expect(Math.sqrt(norm)).toBeCloseTo(1, 2) // unit cells survive float16

    expect(await call(core, 'features.clear', { settingsHash: first.settingsHash })).toEqual({ files: 6, bytes: cache[0]!.bytes })
    expect(existsSync(entry.file)).toBe(false)
    expect(await call(core, 'features.cache', {})).toEqual([])
    expect(await extract(core, 'fx', 'handmade')).toMatchObject({ computed: 6, cached: 0 })
  })

  it('keys the cache by content: a copy of the data set reuses the features', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    await extract(core, 'fx', 'handmade')
    await importTree(core, copyFixture(), 'copy')
    expect(await extract(core, 'copy', 'handmade')).toMatchObject({ computed: 0, cached: 6 })
  })

  it('reports an unreadable image by its path and goes on with the rest', async () => {
    const core = openCore()
    const root = copyFixture()
    await importTree(core, root, 'broken')
    writeFileSync(join(root, 'JPEGImages/cat/2008_000002.jpg'), 'not a jpeg at all')
    const summary = await extract(core, 'broken', 'handmade')
    expect(summary.computed).toBe(5)
    expect(summary.failed).toHaveLength(1)
    expect(summary.failed[0]!.image).toBe('cat/2008_000002')
    expect(summary.failed[0]!.message).toContain(join(root, 'JPEGImages/cat/2008_000002.jpg'))
  })

  it('runs a user ONNX backbone, and refuses unknown backbones clearly', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const model = writeModel(scratch(), 'dino-like.onnx', dinoLikeModel())
    const summary = await extract(core, 'fx', model)
    expect(summary).toMatchObject({ computed: 6, failed: [] })
    expect(summary.backend).toMatch(/^onnx/)
    const unknown = await callError(core, 'features.extract', { name: 'fx', backbone: 'resnet9000' })
    expect(unknown).toMatchObject({ code: 'BAD_INPUT' })
    expect(unknown.message).toMatch(/unknown backbone 'resnet9000': use one of pretrained, .*handmade/)
    const missing = join(scratch(), 'missing.onnx')
    const { jobId } = await call(core, 'features.extract', { name: 'fx', backbone: missing })
    await expect(core.services.jobs.wait(jobId)).rejects.toThrow(missing)
    expect(await callError(core, 'features.extract', { name: 'nope', backbone: 'handmade' })).toMatchObject({ code: 'NOT_FOUND' })
  })
})
