import jpeg from 'jpeg-js'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { call, copyFixture, importTree, openCore } from './helpers'

function editJson(path: string, edit: (j: Record<string, unknown>) => void): void {
  const j = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  edit(j)
  writeFileSync(path, JSON.stringify(j, null, 4))
}

/** The fixture with one problem of each kind (see the expectations for which file carries which). */
function malformedCopy(): string {
  const root = copyFixture()
  const at = (rel: string): string => join(root, rel)
  writeFileSync(at('ImageAnnotation/cat/2009_000003.json'), '{"filename": "2009_000003.jpg", "category": ')
  editJson(at('ImageAnnotation/bicycle/2011_000006.json'), (j) => ((j.kps as Record<string, unknown>)['7'] = [301, 10]))
  rmSync(at('JPEGImages/cat/2008_000002.jpg'))
  const wrongSize = jpeg.encode({ data: Buffer.alloc(8 * 6 * 4, 128), width: 8, height: 6 }, 50).data
  writeFileSync(at('JPEGImages/bicycle/2010_000004.jpg'), wrongSize)
  editJson(at('PairAnnotation/test/000003-2010_000004-2010_000005:bicycle.json'), (j) => (j.trg_kps = [[1, 2]]))
  editJson(at('PairAnnotation/test/000005-2010_000005-2010_000004:bicycle.json'), (j) => ((j.src_kps as number[][])[1] = [0, 0]))
  editJson(at('PairAnnotation/val/000002-2010_000004-2011_000006:bicycle.json'), (j) => delete j.category)
  editJson(at('PairAnnotation/trn/000002-2011_000006-2010_000005:bicycle.json'), (j) => (j.kps_ids = [0, 2]))
  const unknown = '000009-2010_000004-2099_000001:bicycle'
  editJson(at('PairAnnotation/test/000005-2010_000005-2010_000004:bicycle.json'), (j) => {
    writeFileSync(at(`PairAnnotation/test/${unknown}.json`), JSON.stringify({ ...j, pair_id: 9, filename: unknown, src_imname: '2010_000004.jpg', trg_imname: '2099_000001.jpg' }))
  })
  const test = readFileSync(at('Layout/large/test.txt'), 'utf8')
  writeFileSync(at('Layout/large/test.txt'), test.trimEnd()) // last line without its newline
  return root
}

describe('a malformed copy of the fixture', () => {
  it('imports what it can and warns about the rest, naming file and field', async () => {
    const core = openCore()
    const result = await importTree(core, malformedCopy(), 'broken')
    const warnings = (await call(core, 'datasets.warnings', { name: 'broken', limit: 1000 })).items
    const where = warnings.map((w) => `${w.file} ${w.field}`)

    expect(where).toEqual([
      'ImageAnnotation/bicycle/2011_000006.json kps.7',
      'ImageAnnotation/cat/2009_000003.json (json)',
      'ImageAnnotation/bicycle/2010_000004.json image_width',
      'ImageAnnotation/cat/2008_000002.json filename',
      'PairAnnotation/test/000003-2010_000004-2010_000005:bicycle.json kps_ids',
      'PairAnnotation/test/000005-2010_000005-2010_000004:bicycle.json src_kps',
      'PairAnnotation/test/000009-2010_000004-2099_000001:bicycle.json trg_imname',
      'PairAnnotation/trn/000001-2009_000003-2008_000002:cat.json src_imname',
      'PairAnnotation/val/000001-2008_000001-2009_000003:cat.json trg_imname',
      'PairAnnotation/val/000002-2010_000004-2011_000006:bicycle.json category',
      'Layout/large/trn.txt line 1',
      'Layout/large/val.txt line 1',
      'Layout/large/val.txt line 2',
      'Layout/large/test.txt line 3',
      'Layout/small/trn.txt line 1',
      'Layout/small/val.txt line 1',
    ])
    expect(warnings[2]?.message).toBe('JPEGImages/bicycle/2010_000004.jpg is 8x6 but the annotation says 320x240')
    expect(warnings[3]?.message).toBe('image file JPEGImages/cat/2008_000002.jpg is missing')

    expect(result.status).toBe('imported')
    expect(result.summary).toMatchObject({
      images: 5,
      keypoints: 25,
      pairs: { trn: 1, val: 0, test: 3 },
      categories: { cat: { images: 2, pairs: { trn: 0, val: 0, test: 2 } }, bicycle: { images: 3, pairs: { trn: 1, val: 0, test: 1 } } },
      // The last line of large/test.txt has no newline and is still read.
      layouts: { large: { trn: 1, val: 0, test: 3 }, small: { trn: 0, val: 0, test: 1 } },
      skipped: { images: 1, pairs: 5 },
      warningCount: 16,
    })
    const kept = await call(core, 'datasets.image', { name: 'broken', category: 'bicycle', stem: '2011_000006' })
    expect(kept.keypoints[7]).toEqual([301, 10])
    const trn = await call(core, 'datasets.pairs', { name: 'broken', split: 'trn' })
    expect(trn.items.map((p) => p.kpsIds)).toEqual([[0, 2]])
  })
})
