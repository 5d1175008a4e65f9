import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ExportResult, ImportResult } from '../../../src/shared/ipc/channels/datasets'
import type { EvalResult } from '../../../src/main/services/eval/eval-service'
import { decodeImage } from '../../../src/main/images/decode-image'
import { CUB_IMAGES, PF_PASCAL_IMAGES, writeCubFixture, writePfPascalFixture, writePfWillowFixture } from '../../helpers/format-fixtures'
import { runCli } from '../../helpers/run-cli'
import { call, callError, openCore, scratch } from './helpers'
import type { Core } from '../../../src/main/core/create-core'

async function importAs(core: Core, request: Record<string, unknown>): Promise<ImportResult> {
  const { jobId } = await call(core, 'datasets.import', request as never)
  return (await core.services.jobs.wait(jobId)) as ImportResult
}

async function evaluate(core: Core, request: Record<string, unknown>): Promise<EvalResult> {
  const { jobId } = await call(core, 'eval.run', request as never)
  return (await core.services.jobs.wait(jobId)) as EvalResult
}

/** A predictions file for a split: the ground truth, with `shift(pair, row)` added to some rows. */
async function predictions(core: Core, name: string, split: 'test' | 'val', shift: (pairId: number, row: number) => [number, number]): Promise<string> {
  const pairs = await call(core, 'datasets.pairs', { name, split, limit: 500 })
  const lines = pairs.items.map((p) =>
    JSON.stringify({ pair: p.name, split, kps: p.trgKps.map(([x, y], i) => [x + shift(p.pairId, i)[0], y + shift(p.pairId, i)[1]]) }),
  )
  const file = join(scratch(), `${name}-${split}.jsonl`)
  writeFileSync(file, `${lines.join('\n')}\n`)
  return `predictions:${file}`
}

describe('PF-PASCAL import and evaluation', () => {
  it('indexes images, keypoints (0-based) and the three pair lists, and scores by the image size by default', async () => {
    const core = openCore()
    const root = writePfPascalFixture(scratch())
    const result = await importAs(core, { root, name: 'pascal', format: 'pf-pascal' })
    expect(result.warnings).toEqual([])
    expect(result.summary).toMatchObject({
      format: 'pf-pascal',
      sampling: null,
      images: 5,
      keypoints: 15,
      pairs: { trn: 2, val: 1, test: 2 },
      categories: { car: { images: 3, pairs: { trn: 1, val: 1, test: 1 } }, cat: { images: 2, pairs: { trn: 1, val: 0, test: 1 } } },
    })
    // The .mat holds MATLAB's 1-based pixels; the index holds the 0-based ones the fixture was made from.
    const image = await call(core, 'datasets.image', { name: 'pascal', category: 'car', stem: '2008_000100' })
    expect(image.keypoints.slice(0, 4)).toEqual(PF_PASCAL_IMAGES[0]!.kps)
    expect(image.bbox).toEqual([10, 20, 180, 140])
    const test = await call(core, 'datasets.pairs', { name: 'pascal', split: 'test' })
    // Listed points are matched back to their .mat rows: ids 0, 1, 3 (2 is missing in the source).
    expect(test.items.map((p) => [p.category, p.kpsIds])).toEqual([['car', [0, 1, 3]], ['cat', [0, 2]]])
    expect(test.items[0]!.trgKps).toEqual([[30, 40], [70, 50], [160, 170]])
    const trn = await call(core, 'datasets.pairs', { name: 'pascal', split: 'trn' })
    expect(trn.items.map((p) => p.kpsIds)).toEqual([[0, 1], [0, 2]])

    // Pair 1 (target 180 x 180): row 0 off by exactly 18 px = 0.1 x 180, row 1 by 20 px; pair 2 exact.
    const method = await predictions(core, 'pascal', 'test', (pairId, row) => (pairId === 1 ? ([[18, 0], [0, 20], [0, 0]][row] as [number, number]) : [0, 0]))
    const own = await evaluate(core, { dataset: 'pascal', method })
    expect(own).toMatchObject({ threshold: 'image', compare: 'le', alphas: ['0.05', '0.1', '0.15'] })
    expect(own.overall['0.1']!.perImage).toBeCloseTo((2 / 3 + 1) / 2, 10)
    expect(own.overall['0.1']!.perPoint).toBeCloseTo(4 / 5, 10)
    // The box of 2010_000300 is 150 x 145: 18 px is past 0.1 x 150.
    const box = await evaluate(core, { dataset: 'pascal', method, threshold: 'bbox' })
    expect(box.overall['0.1']!.perImage).toBeCloseTo((1 / 3 + 1) / 2, 10)
    const strict = await evaluate(core, { dataset: 'pascal', method, compare: 'lt' })
    expect(strict.overall['0.1']!.perImage).toBeCloseTo((1 / 3 + 1) / 2, 10)
    const page = await call(core, 'eval.pairs', { dataset: 'pascal', split: 'test', method, alpha: 0.1 })
    expect(page.items.find((p) => p.pairId === 1)!.threshold).toBe(180)

    expect((await importAs(core, { root, name: 'pascal', format: 'pf-pascal' })).status).toBe('unchanged')
  })

  it('refuses a root that is not a PF-PASCAL tree, and a name that holds another format', async () => {
    const core = openCore()
    const parent = scratch()
    const root = writePfPascalFixture(parent)
    expect(await callError(core, 'datasets.import', { root: parent, format: 'pf-pascal' })).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining(`did you mean ${root}`),
    })
    await importAs(core, { root, name: 'x', format: 'pf-pascal' })
    const willow = writePfWillowFixture(parent)
    expect(await callError(core, 'datasets.import', { root: willow, name: 'x', format: 'pf-willow' })).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('holds a PF-PASCAL import'),
    })
    expect(await callError(core, 'datasets.import', { root, name: 'x', format: 'pf-pascal', sampling: { seed: 3 } })).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('CUB-200-2011 only'),
    })
  })
})

describe('PF-WILLOW import and evaluation', () => {
  it("indexes the class folders and test_pairs_pf.csv, and scores by the target keypoints' box by default", async () => {
    const core = openCore()
    const root = writePfWillowFixture(scratch())
    const result = await importAs(core, { root, name: 'willow', format: 'pf-willow' })
    expect(result.warnings).toEqual([])
    expect(result.summary).toMatchObject({
      format: 'pf-willow',
      images: 4,
      keypoints: 40,
      pairs: { trn: 0, val: 0, test: 4 },
      categories: { 'car(G)': { images: 2, pairs: { test: 2 } }, 'duck(S)': { images: 2, pairs: { test: 2 } } },
    })
    const pairs = await call(core, 'datasets.pairs', { name: 'willow', split: 'test' })
    expect(pairs.items.every((p) => p.kpsIds.join() === '0,1,2,3,4,5,6,7,8,9')).toBe(true)
    expect(pairs.items[0]!.srcKps[0]).toEqual([10, 20])

    // Pair 1's target (Cars_002b) keypoints span 162 x 75 px; its image is 200 x 200. 17 px is
    // past 0.1 x 162 but inside 0.1 x 200.
    const method = await predictions(core, 'willow', 'test', (pairId, row) => (pairId === 1 && row === 0 ? [17, 0] : [0, 0]))
    const own = await evaluate(core, { dataset: 'willow', method })
    expect(own).toMatchObject({ threshold: 'bbox-kp', compare: 'le', fallbacks: 0 })
    expect(own.overall['0.1']!.perImage).toBeCloseTo((0.9 + 3) / 4, 10)
    expect(own.categories['car(G)']!['0.1']!.perImage).toBeCloseTo(0.95, 10)
    const image = await evaluate(core, { dataset: 'willow', method, threshold: 'image' })
    expect(image.overall['0.1']!.perImage).toBe(1)
    // No boxes: the bbox threshold falls back to the image size for every pair, and says so.
    expect((await evaluate(core, { dataset: 'willow', method, threshold: 'bbox' })).fallbacks).toBe(4)
  })

  it('exports to the SPair layout (PNGs re-encoded as JPEG) and COCO keypoints, and the export re-imports', async () => {
    const core = openCore()
    await importAs(core, { root: writePfWillowFixture(scratch()), name: 'willow', format: 'pf-willow' })
    const out = join(scratch(), 'exported')
    const { jobId } = await call(core, 'datasets.export', { name: 'willow', out })
    const exported = (await core.services.jobs.wait(jobId)) as ExportResult
    expect(exported).toMatchObject({ images: 4, pairs: { test: 4 }, droppedPairs: 0, coco: { images: 4, annotations: 4 } })
    const jpeg = join(out, 'JPEGImages', 'car(G)', 'Cars_001a.jpg')
    expect(decodeImage(readFileSync(jpeg))).toMatchObject({ width: 240, height: 180 })
    const coco = JSON.parse(readFileSync(join(out, 'coco_keypoints.json'), 'utf8')) as { images: { file_name: string }[] }
    expect(coco.images.map((i) => i.file_name)).toContain('JPEGImages/car(G)/Cars_001a.jpg')
    const again = await importAs(core, { root: out, name: 'willow-spair' })
    expect(again.summary).toMatchObject({ format: 'spair', images: 4, keypoints: 40, pairs: { test: 4 } })
  })
})

describe('CUB-200-2011 import', () => {
  const SAMPLING = { seed: 0, pairsPerSpecies: 4, valFraction: 0.5 }

  it('indexes one bird category with species tags, masks, a seeded val split and seeded within-species pairs', async () => {
    const core = openCore()
    const root = writeCubFixture(scratch())
    const result = await importAs(core, { root, name: 'cub', format: 'cub', sampling: SAMPLING })
    expect(result.warnings).toEqual([])
    expect(result.summary).toMatchObject({
      format: 'cub',
      sampling: SAMPLING,
      images: 14,
      keypoints: 140,
      pairs: { trn: 0, val: 4, test: 8 },
      categories: { bird: { images: 14 } },
    })
    const count = async (q: Record<string, unknown>): Promise<number> => (await call(core, 'datasets.images', { name: 'cub', ...q } as never)).total
    expect([await count({ split: 'trn' }), await count({ split: 'val' }), await count({ split: 'test' })]).toEqual([4, 4, 6])
    expect(await call(core, 'datasets.tags', { name: 'cub' })).toEqual([
      { tag: '001.Black_footed_Albatross', images: 7 },
      { tag: '002.Laysan_Albatross', images: 7 },
    ])
    expect(await count({ tag: '002.Laysan_Albatross', split: 'test' })).toBe(3)
    // Training reads the trn images' masks: every image has one but image 3 (a trn image of species 1 or val).
    const withMasks = (await call(core, 'datasets.images', { name: 'cub', limit: 100 } as never)).items.filter((i) => i.maskFile).length
    expect(withMasks).toBe(13)

    const pairs = (await call(core, 'datasets.pairs', { name: 'cub', split: 'test' })).items
    const speciesOf = new Map(CUB_IMAGES.map((i) => [i.name.replace(/^.*\//, '').replace('.jpg', ''), i.species]))
    for (const p of pairs) {
      expect(speciesOf.get(p.srcStem)).toBe(speciesOf.get(p.trgStem))
      expect(p.srcStem).not.toBe(p.trgStem)
      expect(CUB_IMAGES.find((i) => i.name.includes(p.srcStem))!.training).toBe(false)
      expect(p.kpsIds.length).toBeGreaterThan(0)
    }
    const image = await call(core, 'datasets.image', { name: 'cub', category: 'bird', stem: pairs[0]!.trgStem })
    const source = CUB_IMAGES.find((i) => i.name.includes(pairs[0]!.trgStem))!
    expect(image.bbox).toEqual([source.bbox[0], source.bbox[1], source.bbox[0] + source.bbox[2], source.bbox[1] + source.bbox[3]])

    // The same seed gives the same pairs in another workspace; another seed another draw and version.
    const other = openCore()
    const same = await importAs(other, { root, name: 'cub', format: 'cub', sampling: SAMPLING })
    expect(same.summary.contentHash).toBe(result.summary.contentHash)
    expect((await call(other, 'datasets.pairs', { name: 'cub', split: 'test' })).items.map((p) => p.name)).toEqual(pairs.map((p) => p.name))
    const reseeded = await importAs(other, { root, name: 'cub-1', format: 'cub', sampling: { ...SAMPLING, seed: 1 } })
    expect(reseeded.summary.contentHash).not.toBe(result.summary.contentHash)

    // PCK by the target box (CUB's convention): 7 px off on every row of every pair.
    const method = await predictions(core, 'cub', 'test', () => [7, 0])
    const report = await evaluate(core, { dataset: 'cub', method })
    expect(report).toMatchObject({ threshold: 'bbox', compare: 'le', fallbacks: 0 })
    // Boxes are 80 wide and 60..63 high: 7 px is inside 0.1 x 80 and outside 0.05 x 80.
    expect(report.overall['0.1']!.perImage).toBe(1)
    expect(report.overall['0.05']!.perImage).toBe(0)
    expect(existsSync(join(root, 'segmentations'))).toBe(true)
  })

  it('trains a bird model on the trn images that have masks', { timeout: 120_000 }, async () => {
    const core = openCore()
    await importAs(core, { root: writeCubFixture(scratch()), name: 'cub', format: 'cub', sampling: SAMPLING })
    const trn = (await call(core, 'datasets.images', { name: 'cub', split: 'trn', limit: 100 } as never)).items
    const { jobId, runId } = await call(core, 'train.start', { dataset: 'cub', category: 'bird', steps: 2, seed: 0, backbone: 'handmade' })
    await core.services.jobs.wait(jobId)
    const run = (await call(core, 'train.runs', {})).find((r) => r.id === runId)
    expect(run).toMatchObject({ status: 'succeeded', config: { split: 'trn' } })
    expect(run!.summary).toMatchObject({ step: 2, images: trn.filter((i) => i.maskFile).length })
  })

  it('names the file and line of a malformed table row and keeps the rest', async () => {
    const core = openCore()
    const root = writeCubFixture(scratch())
    const locs = join(root, 'parts', 'part_locs.txt')
    const lines = readFileSync(locs, 'utf8').split('\n')
    lines[4] = '1 5 oops 20.0 1'
    lines[9] = '2 3 4.0'
    writeFileSync(locs, lines.join('\n'))
    const result = await importAs(core, { root, name: 'cub', format: 'cub', sampling: SAMPLING })
    expect(result.warnings.map((w) => [w.file, w.field])).toEqual([
      ['parts/part_locs.txt', 'line 5'],
      ['parts/part_locs.txt', 'line 10'],
    ])
    expect(result.warnings[0]!.message).toMatch(/field 3 "oops" is not a number; row skipped/)
    expect(result.summary.images).toBe(14)
  })
})

describe('semagic datasets import --pf-pascal | --pf-willow | --cub, and semagic eval on them', () => {
  it('imports each format from the command line, records CUB draws, and evaluates with the set’s own convention', async () => {
    const dataDir = scratch()
    const parent = scratch()
    const pascal = await runCli('datasets', 'import', '--pf-pascal', writePfPascalFixture(parent), '--name', 'pascal', '--json', '--data-dir', dataDir)
    expect(pascal.code).toBe(0)
    expect(JSON.parse(pascal.stdout)).toMatchObject({ name: 'pascal', format: 'pf-pascal', pairs: { trn: 2, val: 1, test: 2 }, keypoints: 15, warnings: [] })
    const willow = await runCli('datasets', 'import', '--pf-willow', writePfWillowFixture(parent), '--data-dir', dataDir)
    expect(willow.stdout).toMatch(/^PF-WILLOW: 4 images in 2 categories, 4 pairs \(trn 0, val 0, test 4\), 40 annotated keypoints/)
    const cub = await runCli('datasets', 'import', '--cub', writeCubFixture(parent), '--seed', '7', '--pairs-per-species', '3', '--val-fraction', '0.5', '--data-dir', dataDir)
    expect(cub.code).toBe(0)
    expect(cub.stdout).toContain('val and pairs drawn with seed 7: 3 pairs per species and split')
    expect(cub.stdout).toMatch(/^CUB_200_2011: 14 images in 1 categories, 10 pairs \(trn 0, val 4, test 6\), 140 annotated keypoints/)

    expect((await runCli('datasets', 'import', '--cub', parent, '--pf-willow', parent, '--data-dir', dataDir)).code).toBe(2)
    const wrong = await runCli('datasets', 'import', '--pf-willow', parent, '--seed', '1', '--data-dir', dataDir)
    expect([wrong.code, wrong.stderr]).toEqual([2, expect.stringContaining('--seed applies to --cub only')])
    expect((await runCli('datasets', 'import', '--cub', parent, '--val-fraction', '2', '--data-dir', dataDir)).stderr).toContain('--val-fraction')

    const list = join(scratch(), 'willow.md')
    const core = openCore(dataDir)
    const method = await predictions(core, 'PF-WILLOW', 'test', () => [0, 0])
    core.close()
    const evaluated = await runCli('eval', '--dataset', 'PF-WILLOW', '--method', method, '--markdown', list, '--data-dir', dataDir)
    expect(evaluated.code).toBe(0)
    expect(readFileSync(list, 'utf8')).toContain('bbox-kp')
    const image = await runCli('eval', '--dataset', 'PF-WILLOW', '--method', method, '--threshold', 'image', '--json', join(parent, 'r.json'), '--data-dir', dataDir)
    expect(image.code).toBe(0)
    expect(JSON.parse(readFileSync(join(parent, 'r.json'), 'utf8'))).toMatchObject({ threshold: 'image', overall: { '0.1': { perImage: 1 } } })
  })
})
