import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { scanTree } from '../../../../src/main/datasets/readers'
import type { IndexData } from '../../../../src/main/datasets/index-data'
import type { ImportWarning } from '../../../../src/main/datasets/spair/types'
import type { DatasetFormat } from '../../../../src/shared/ipc/channels/datasets'
import { writeCubFixture, writePfPascalFixture, writePfWillowFixture } from '../../../helpers/format-fixtures'
import { writeMatFile } from '../../../helpers/mat-writer'
import { tempDir } from '../../../helpers/temp-dir'

const dirs: { remove(): void }[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))
const scratch = (): string => {
  const d = tempDir('semagic-formats-')
  dirs.push(d)
  return d.path
}

async function read(format: DatasetFormat, root: string): Promise<{ data: IndexData; warnings: ImportWarning[] }> {
  const warnings: ImportWarning[] = []
  const warn = (file: string, field: string, message: string): number => warnings.push({ file, field, message })
  const scan = await scanTree(format, root, warn, format === 'cub' ? { seed: 0, pairsPerSpecies: 4, valFraction: 0.5 } : null)
  return { data: await scan.read(warn, { progress: () => {}, throwIfCancelled: () => {} }), warnings }
}

const edit = (path: string, change: (lines: string[]) => void): void => {
  const lines = readFileSync(path, 'utf8').split('\n')
  change(lines)
  writeFileSync(path, lines.join('\n'))
}

describe('malformed PF-PASCAL files: warnings name the file and the line or field; the rest is read', () => {
  it('pair-list rows', async () => {
    const root = writePfPascalFixture(scratch())
    edit(join(root, 'test_pairs.csv'), (l) => {
      l[1] = l[1]!.replace(/,7,/, ',42,')
      l[2] = l[2]!.split(',').slice(0, 6).concat('1;2;3').join(',')
    })
    edit(join(root, 'trn_pairs.csv'), (l) => {
      l[1] = l[1]!.replace('2009_000200', '2009_999999')
    })
    const { data, warnings } = await read('pf-pascal', root)
    expect(warnings.map((w) => [w.file, w.field, w.message])).toEqual([
      ['test_pairs.csv', 'line 2', 'class "42" is not a class number 1..20; pair skipped'],
      ['test_pairs.csv', 'line 3', 'XA, YA, XB, YB have 2, 2, 2, 3 values; pair skipped'],
      ['trn_pairs.csv', 'line 2', 'no indexed car image 2009_999999 (Annotations/car/2009_999999.mat missing or skipped); pair skipped'],
    ])
    expect(data.pairs.map((p) => p.split)).toEqual(['trn', 'val'])
    expect(data.skipped.pairs).toBe(3)
  })

  it('.mat files: not a MAT-file, no kps, a bbox that is not a box', async () => {
    const root = writePfPascalFixture(scratch())
    writeFileSync(join(root, 'Annotations/car/2008_000100.mat'), 'not a mat file at all, but long enough to hold a 128-byte header'.repeat(3))
    writeFileSync(join(root, 'Annotations/car/2009_000200.mat'), writeMatFile({ points: { double: [[1, 2]] } }))
    writeFileSync(join(root, 'Annotations/cat/2008_000400.mat'), writeMatFile({ kps: { double: [[1, 2], [3, 4], [5, 6]] }, bbox: { double: [[50, 1, 10, 2]] } }))
    const { data, warnings } = await read('pf-pascal', root)
    expect(warnings.slice(0, 3).map((w) => [w.file, w.field])).toEqual([
      ['Annotations/car/2008_000100.mat', '(header)'],
      ['Annotations/car/2009_000200.mat', 'kps'],
      ['Annotations/cat/2008_000400.mat', 'bbox'],
    ])
    expect(warnings[1]!.message).toBe('missing (the file has points)')
    expect(data.images.map((i) => i.stem).sort()).toEqual(['2008_000400', '2010_000300', '2011_000500'])
    expect(data.images.find((i) => i.stem === '2008_000400')!.bbox).toBeNull()
  })
})

describe('malformed PF-WILLOW and CUB files', () => {
  it('PF-WILLOW: a short row, a non-number, an image not in the tree', async () => {
    const root = writePfWillowFixture(scratch())
    edit(join(root, 'test_pairs_pf.csv'), (l) => {
      l[1] = l[1]!.split(',').slice(0, 30).join(',')
      l[2] = l[2]!.replace(/,([\d.]+),/, ',abc,')
      l[3] = l[3]!.replace('060_0001', '060_0099')
    })
    const { data, warnings } = await read('pf-willow', root)
    expect(warnings.map((w) => [w.file, w.field])).toEqual([
      ['test_pairs_pf.csv', 'line 2'],
      ['test_pairs_pf.csv', 'line 3'],
      ['test_pairs_pf.csv', 'line 4'],
    ])
    expect(warnings[0]!.message).toMatch(/got 30 fields; pair skipped$/)
    expect(warnings[1]!.message).toMatch(/^column 3 \("abc"\) is not a number/)
    expect(warnings[2]!.message).toBe('image PF-dataset/duck(S)/060_0099.png is not in the tree; pair skipped')
    expect(data.pairs).toHaveLength(1)
  })

  it('CUB: an image row without its file, a class label out of range, a box of zero width, a missing segmentation', async () => {
    const root = writeCubFixture(scratch())
    edit(join(root, 'images.txt'), (l) => {
      l[0] = '1 001.Black_footed_Albatross/nowhere.jpg'
    })
    edit(join(root, 'image_class_labels.txt'), (l) => {
      l[1] = '2 9'
    })
    edit(join(root, 'bounding_boxes.txt'), (l) => {
      l[3] = '4 10.0 12.0 0.0 60.0'
    })
    rmSync(join(root, 'segmentations'), { recursive: true })
    const { data, warnings } = await read('cub', root)
    expect(warnings.map((w) => [w.file, w.field, w.message])).toEqual([
      ['segmentations', '(folder)', 'missing or empty (a separate download; unpack it into the root): no masks, so no training'],
      ['images.txt', 'image 1', 'images/001.Black_footed_Albatross/nowhere.jpg is missing; image skipped'],
      ['image_class_labels.txt', 'image 2', 'class 9 is not in classes.txt; image skipped'],
      ['bounding_boxes.txt', 'image 4', 'width and height must be positive, got 0 x 60'],
    ])
    expect(data.images).toHaveLength(12)
    expect(data.images.every((i) => i.maskFile === null)).toBe(true)
  })
})
