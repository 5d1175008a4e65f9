import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ExportResult } from '../../../src/shared/ipc/channels/datasets'
import { main } from '../../../src/main/cli/index'
import { call, callError, FIXTURE, importTree, openCore, scratch } from '../datasets/helpers'

const cat1 = { category: 'cat', stem: '2008_000001' }
const cat2 = { category: 'cat', stem: '2008_000002' }

function sink(): NodeJS.WritableStream & { text: string } {
  const s = { text: '', write: (chunk: string) => ((s.text += chunk), true) }
  return s as unknown as NodeJS.WritableStream & { text: string }
}

describe('curation round trip: edit, export, re-import', () => {
  it('exports an unedited data set that re-imports to the same counts and keypoints', async () => {
    const core = openCore()
    const original = await importTree(core, FIXTURE, 'fx')
    const out = join(scratch(), 'exported')
    const { jobId } = await call(core, 'datasets.export', { name: 'fx', out })
    const result = (await core.services.jobs.wait(jobId)) as ExportResult
    expect(result).toMatchObject({ images: 6, pairs: { trn: 2, val: 2, test: 4 }, droppedPairs: 0, coco: { images: 6, annotations: 6 } })
    const again = await importTree(core, out, 'fx-again')
    expect(again.warnings).toEqual([])
    expect(again.summary).toMatchObject({
      images: original.summary.images,
      keypoints: original.summary.keypoints,
      pairs: original.summary.pairs,
      categories: original.summary.categories,
      layouts: original.summary.layouts,
    })
    for (const key of [cat1, cat2]) {
      const a = await call(core, 'datasets.image', { name: 'fx', ...key })
      const b = await call(core, 'datasets.image', { name: 'fx-again', ...key })
      expect(b.keypoints).toEqual(a.keypoints)
      expect(b.bbox).toEqual(a.bbox)
    }
    const pairs = await call(core, 'datasets.pairs', { name: 'fx-again', split: 'test' })
    const before = await call(core, 'datasets.pairs', { name: 'fx', split: 'test' })
    expect(pairs.items.map((p) => [p.name, p.kpsIds, p.srcKps, p.trgKps, p.flags])).toEqual(
      before.items.map((p) => [p.name, p.kpsIds, p.srcKps, p.trgKps, p.flags]),
    )
  })

  it('carries every kind of edit into the exported tree, and regenerates the pairs from them', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const img = await call(core, 'datasets.image', { name: 'fx', ...cat1 })
    const annotated = img.keypoints.flatMap((p, id) => (p ? [id] : []))
    const [moved, removed, hidden] = annotated as [number, number, number]
    await call(core, 'curation.edit', {
      name: 'fx',
      edits: [
        { op: 'keypoint.set', ...cat1, kpId: moved, x: 50, y: 60 },
        { op: 'keypoint.remove', ...cat1, kpId: removed },
        { op: 'keypoint.visibility', ...cat1, kpId: hidden, visible: false },
        { op: 'bbox.set', ...cat1, bbox: [11, 21, 111, 71] },
        { op: 'image.exclude', category: 'bicycle', stem: '2011_000006', excluded: true },
      ],
    })
    const out = join(scratch(), 'exported')
    const { jobId } = await call(core, 'datasets.export', { name: 'fx', out })
    const result = (await core.services.jobs.wait(jobId)) as ExportResult
    // bicycle 2011_000006 is in the val pair 2010_000004->2011_000006 and the trn pair 2011_000006->2010_000005.
    expect(result).toMatchObject({ images: 5, pairs: { trn: 1, val: 1, test: 4 }, droppedPairs: 2 })
    expect(existsSync(join(out, 'JPEGImages/bicycle/2011_000006.jpg'))).toBe(false)

    const written = JSON.parse(readFileSync(join(out, 'ImageAnnotation/cat/2008_000001.json'), 'utf8')) as {
      kps: Record<string, unknown>
      bndbox: number[]
    }
    expect(written.kps[String(moved)]).toEqual([50, 60])
    expect(written.kps[String(removed)]).toBeNull()
    expect(written.kps[String(hidden)]).toBeNull()
    expect(written.bndbox).toEqual([11, 21, 111, 71])
    const pairFile = readdirSync(join(out, 'PairAnnotation/test')).find((f) => f.startsWith('000001-'))!
    const pair = JSON.parse(readFileSync(join(out, 'PairAnnotation/test', pairFile), 'utf8')) as { kps_ids: string[]; src_kps: number[][] }
    expect(pair.kps_ids).not.toContain(String(removed))
    expect(pair.kps_ids).not.toContain(String(hidden))
    if (pair.kps_ids.includes(String(moved))) expect(pair.src_kps[pair.kps_ids.indexOf(String(moved))]).toEqual([50, 60])
    const coco = JSON.parse(readFileSync(join(out, 'coco_keypoints.json'), 'utf8')) as {
      images: { semagic: { stem: string } }[]
      annotations: { keypoints: number[] }[]
    }
    const at = coco.images.findIndex((i) => i.semagic.stem === '2008_000001')
    expect(coco.annotations[at]!.keypoints.slice(hidden * 3, hidden * 3 + 3)[2]).toBe(1)
    expect(coco.annotations[at]!.keypoints.slice(removed * 3, removed * 3 + 3)).toEqual([0, 0, 0])

    const again = await importTree(core, out, 'fx-again')
    expect(again.warnings).toEqual([])
    expect(again.summary).toMatchObject({ images: 5, pairs: { trn: 1, val: 1, test: 4 } })
    // The original index and files are untouched by all of this.
    expect(await call(core, 'datasets.image', { name: 'fx', ...cat1 })).toEqual(img)
  })

  it('never writes into an existing non-empty folder', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const out = join(scratch(), 'busy')
    mkdirSync(out)
    writeFileSync(join(out, 'keep.txt'), 'mine')
    expect(await callError(core, 'datasets.export', { name: 'fx', out })).toMatchObject({ code: 'CONFLICT' })
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('mine')
    expect(await callError(core, 'datasets.export', { name: 'fx', out: 'relative/dir' })).toMatchObject({ code: 'BAD_INPUT' })
  })

  it('exports from the command line', async () => {
    const dataDir = scratch()
    const io = () => ({ stdout: sink(), stderr: sink() })
    expect(await main(['datasets', 'import', '--spair', FIXTURE, '--name', 'fx', '--data-dir', dataDir], io())).toBe(0)
    const out = join(scratch(), 'cli-export')
    const streams = io()
    expect(await main(['datasets', 'export', '--name', 'fx', '--out', out, '--json', '--data-dir', dataDir], streams)).toBe(0)
    expect(JSON.parse(streams.stdout.text)).toMatchObject({ name: 'fx', out, images: 6, pairs: { trn: 2, val: 2, test: 4 } })
    const missing = io()
    expect(await main(['datasets', 'export', '--name', 'fx', '--data-dir', dataDir], missing)).toBe(2)
    expect(missing.stderr.text).toMatch(/--out DIR is required/)
  })
})
