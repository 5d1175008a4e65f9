import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { scanTree } from '../../../src/main/datasets/readers'
import type { DatasetFormat } from '../../../src/shared/ipc/channels/datasets'
import type { ImportWarning } from '../../../src/main/datasets/spair/types'
import { writeCubFixture, writePfPascalFixture, writePfWillowFixture } from '../../helpers/format-fixtures'
import { tempDir } from '../../helpers/temp-dir'

const dir = tempDir('semagic-format-fuzz-')
afterAll(() => dir.remove())

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32)
}

const EVIL_FIELDS = ['', 'NaN', '-1e309', '1e999', 'x', ';;;', '1;2;3', '"', '0', '-5', '21', '3.5', '🐦', 'a,b', '\u0000', ' ']

/** One random change to a text table: a field replaced, a row cut short, duplicated or dropped, or bytes corrupted. */
function mutateText(text: string, r: () => number, separator: RegExp, join_: string): string {
  const lines = text.split('\n')
  const i = Math.floor(r() * lines.length)
  const fields = (lines[i] ?? '').split(separator)
  switch (Math.floor(r() * 5)) {
    case 0:
      fields[Math.floor(r() * fields.length)] = EVIL_FIELDS[Math.floor(r() * EVIL_FIELDS.length)]!
      lines[i] = fields.join(join_)
      break
    case 1:
      lines[i] = fields.slice(0, Math.floor(r() * fields.length)).join(join_)
      break
    case 2:
      lines.splice(i, 0, lines[i] ?? '')
      break
    case 3:
      lines.splice(i, 1)
      break
    default: {
      const bytes = Buffer.from(text)
      for (let k = 0; k < 4; k++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256)
      return bytes.toString('latin1')
    }
  }
  return lines.join('\n')
}

function mutateBytes(bytes: Buffer, r: () => number): Buffer {
  if (r() < 0.3) return bytes.subarray(0, Math.floor(r() * bytes.length))
  const out = Buffer.from(bytes)
  for (let k = 0; k < 1 + Math.floor(r() * 6); k++) out[Math.floor(r() * out.length)] = Math.floor(r() * 256)
  return out
}

const finite = (v: unknown): boolean => (Array.isArray(v) ? v.every(finite) : typeof v !== 'number' || Number.isFinite(v))

/**
 * Imports the tree after each mutation of one of `targets` (restored afterwards): the reader must
 * never throw, every warning names a file and a field, and every pair it keeps is usable.
 */
async function fuzz(format: DatasetFormat, root: string, targets: { rel: string; kind: 'csv' | 'table' | 'bytes' }[], cases: number, seed: number): Promise<number> {
  const r = rng(seed)
  let warned = 0
  for (let c = 0; c < cases; c++) {
    const target = targets[c % targets.length]!
    const path = join(root, target.rel)
    const original = readFileSync(path)
    const mutated =
      target.kind === 'bytes'
        ? mutateBytes(original, r)
        : mutateText(original.toString('utf8'), r, target.kind === 'csv' ? /,/ : / /, target.kind === 'csv' ? ',' : ' ')
    writeFileSync(path, mutated)
    const warnings: ImportWarning[] = []
    const warn = (file: string, field: string, message: string): number => warnings.push({ file, field, message })
    try {
      const scan = await scanTree(format, root, warn, format === 'cub' ? { seed: 0, pairsPerSpecies: 4, valFraction: 0.5 } : null)
      const data = await scan.read(warn, { progress: () => {}, throwIfCancelled: () => {} })
      for (const p of data.pairs) {
        expect(p.srcKps.length).toBe(p.kpsIds.length)
        expect(p.trgKps.length).toBe(p.kpsIds.length)
        expect(p.kpsIds.every((id) => Number.isInteger(id) && id >= 0 && id < 30)).toBe(true)
        expect(new Set(p.kpsIds).size).toBe(p.kpsIds.length)
        expect(finite(p.srcKps) && finite(p.trgKps)).toBe(true)
      }
      for (const im of data.images) expect(finite(im.keypoints.filter(Boolean)) && im.width > 0 && im.height > 0).toBe(true)
      for (const w of warnings) {
        expect(w.file.length).toBeGreaterThan(0)
        expect(w.field.length).toBeGreaterThan(0)
      }
      if (warnings.some((w) => w.file === target.rel)) warned++
    } finally {
      writeFileSync(path, original)
    }
  }
  return warned
}

describe('format readers under malformed input (property-based)', () => {
  const CASES = 150

  it('PF-PASCAL: damaged pair lists and .mat files never throw; bad rows are named by file and line', async () => {
    const root = writePfPascalFixture(join(dir.path, 'pascal'))
    const warned = await fuzz(
      'pf-pascal',
      root,
      [
        { rel: 'test_pairs.csv', kind: 'csv' },
        { rel: 'trn_pairs.csv', kind: 'csv' },
        { rel: 'Annotations/car/2008_000100.mat', kind: 'bytes' },
        { rel: 'Annotations/cat/2011_000500.mat', kind: 'bytes' },
      ],
      CASES,
      31,
    )
    expect(warned).toBeGreaterThan(CASES / 4)
    process.stdout.write(`fuzz: ${CASES} damaged PF-PASCAL trees (${warned} with a warning on the damaged file)\n`)
  })

  it('PF-WILLOW: damaged test_pairs_pf.csv and .mat files never throw', async () => {
    const root = writePfWillowFixture(join(dir.path, 'willow'))
    const warned = await fuzz(
      'pf-willow',
      root,
      [
        { rel: 'test_pairs_pf.csv', kind: 'csv' },
        { rel: 'PF-dataset/car(G)/Cars_001a.mat', kind: 'bytes' },
      ],
      CASES,
      32,
    )
    expect(warned).toBeGreaterThan(CASES / 4)
    process.stdout.write(`fuzz: ${CASES} damaged PF-WILLOW trees (${warned} with a warning on the damaged file)\n`)
  })

  it('CUB-200-2011: damaged tables never throw and keep every pair usable', async () => {
    const root = writeCubFixture(join(dir.path, 'cub'))
    const tables = ['images.txt', 'image_class_labels.txt', 'train_test_split.txt', 'bounding_boxes.txt', 'parts/part_locs.txt', 'classes.txt']
    const warned = await fuzz('cub', root, tables.map((rel) => ({ rel, kind: 'table' as const })), CASES, 33)
    expect(warned).toBeGreaterThan(CASES / 4)
    process.stdout.write(`fuzz: ${CASES} damaged CUB-200-2011 trees (${warned} with a warning on the damaged file)\n`)
  })
})
