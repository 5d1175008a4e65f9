import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseImageAnnotation } from '../../../src/main/datasets/spair/image-annotation'
import { parseLayoutFile } from '../../../src/main/datasets/spair/layout-file'
import { parsePairAnnotation } from '../../../src/main/datasets/spair/pair-annotation'
import { foregroundMask } from '../../../src/main/datasets/spair/segmentation'
import type { ImportWarning } from '../../../src/main/datasets/spair/types'
import { decodeImage } from '../../../src/main/images/decode-image'

const FIXTURE = join(__dirname, '../../fixtures/spair/SPair-71k')
const IMAGE = 'ImageAnnotation/cat/2008_000001.json'
const PAIR = 'PairAnnotation/test/000001-2008_000001-2008_000002:cat.json'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32)
}

const EVIL: unknown[] = [null, true, -5, 0, 1e308, -1e308, 3.5, '', 'x'.repeat(10_000), [], [1], [1, 2, 3, 4, 5], {}, { a: 1 }, '🐈', '\u0000']
const EVIL_TEXT = ['NaN', 'Infinity', '-Infinity', '1e999', '"\\ud800"']

/** One random mutation of a JSON document, as text: a field replaced, removed, or the text cut or corrupted. */
function mutate(json: Record<string, unknown>, text: string, r: () => number): string {
  const keys = Object.keys(json)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
  switch (Math.floor(r() * 6)) {
    case 0:
      return JSON.stringify({ ...json, [pick(keys)]: pick(EVIL) })
    case 1: {
      const copy = { ...json }
      delete copy[pick(keys)]
      return JSON.stringify(copy)
    }
    case 2:
      return text.slice(0, Math.floor(r() * text.length))
    case 3: {
      const key = pick(keys)
      return JSON.stringify({ ...json, [key]: '__EVIL__' }).replace('"__EVIL__"', pick(EVIL_TEXT))
    }
    case 4: {
      // A nested value: a keypoint, a bbox corner or a kps row.
      const key = pick(keys.filter((k) => typeof json[k] === 'object' && json[k] !== null))
      const inner = JSON.parse(JSON.stringify(json[key])) as Record<string, unknown>
      const ik = pick(Object.keys(inner))
      inner[ik] = pick(EVIL)
      return JSON.stringify({ ...json, [key]: inner })
    }
    default: {
      const bytes = Buffer.from(text)
      for (let i = 0; i < 4; i++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256)
      return bytes.toString('latin1')
    }
  }
}

const finite = (v: unknown): boolean => (Array.isArray(v) ? v.every(finite) : typeof v !== 'number' || Number.isFinite(v))

describe('readers under malformed input (property-based)', () => {
  const CASES = 600

  it('image annotations: never throw, never keep a non-finite number, always say which file and field', () => {
    const text = readFileSync(join(FIXTURE, IMAGE), 'utf8')
    const json = JSON.parse(text) as Record<string, unknown>
    const r = rng(11)
    for (let i = 0; i < CASES; i++) {
      const warnings: ImportWarning[] = []
      const mutated = mutate(json, text, r)
      const out = parseImageAnnotation(mutated, { file: IMAGE, folder: 'cat', stem: '2008_000001' }, (file, field, message) =>
        warnings.push({ file, field, message }),
      )
      if (out === null) expect(warnings.length, mutated.slice(0, 200)).toBeGreaterThan(0)
      else {
        expect(finite(out.keypoints.filter(Boolean)), mutated.slice(0, 200)).toBe(true)
        expect(out.bbox === null || finite([...out.bbox])).toBe(true)
      }
      for (const w of warnings) {
        expect(w.file).toBe(IMAGE)
        expect(w.field.length).toBeGreaterThan(0)
      }
    }
    process.stdout.write(`fuzz: ${CASES} malformed image annotations\n`)
  })

  it('pair annotations: never throw, rows stay matched, always say which file and field', () => {
    const text = readFileSync(join(FIXTURE, PAIR), 'utf8')
    const json = JSON.parse(text) as Record<string, unknown>
    const r = rng(12)
    for (let i = 0; i < CASES; i++) {
      const warnings: ImportWarning[] = []
      const mutated = mutate(json, text, r)
      const out = parsePairAnnotation(mutated, { file: PAIR, split: 'test', stem: '000001-2008_000001-2008_000002:cat' }, ['cat', 'bicycle'], (file, field, message) =>
        warnings.push({ file, field, message }),
      )
      if (out === null) expect(warnings.length, mutated.slice(0, 200)).toBeGreaterThan(0)
      else {
        expect(out.srcKps.length).toBe(out.kpsIds.length)
        expect(out.trgKps.length).toBe(out.kpsIds.length)
        expect(finite(out.srcKps) && finite(out.trgKps)).toBe(true)
      }
      for (const w of warnings) expect([w.file, w.field.length > 0]).toEqual([PAIR, true])
    }
    process.stdout.write(`fuzz: ${CASES} malformed pair annotations\n`)
  })

  it('layout files: any bytes give names or line-numbered warnings, never an exception', () => {
    const r = rng(13)
    for (let i = 0; i < CASES; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(r() * 400) }, () => (r() < 0.1 ? 10 : Math.floor(r() * 256))))
      const warnings: ImportWarning[] = []
      const entries = parseLayoutFile(bytes.toString('latin1'), { file: 'Layout/large/test.txt', layout: 'large', split: 'test' }, (file, field, message) =>
        warnings.push({ file, field, message }),
      )
      for (const e of entries) expect(e.pairName.length).toBeGreaterThan(0)
      for (const w of warnings) expect(w.file).toBe('Layout/large/test.txt')
    }
    process.stdout.write(`fuzz: ${CASES} random layout files\n`)
  })

  it('images and masks: truncated or corrupted bytes fail with an Error naming the file, or decode', () => {
    const jpeg = readFileSync(join(FIXTURE, 'JPEGImages/cat/2008_000001.jpg'))
    const png = readFileSync(join(FIXTURE, 'Segmentation/cat/2008_000001.png'))
    const r = rng(14)
    let errors = 0
    for (let i = 0; i < CASES / 2; i++) {
      for (const [name, original] of [['a.jpg', jpeg], ['a.png', png]] as const) {
        const bytes = Buffer.from(original.subarray(0, r() < 0.5 ? Math.floor(r() * original.length) : original.length))
        for (let k = 0; k < 3; k++) if (bytes.length) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256)
        try {
          if (name.endsWith('.jpg')) {
            const img = decodeImage(bytes, name)
            expect(img.data.length).toBe(img.width * img.height * 3)
          } else {
            const mask = foregroundMask(bytes)
            expect(mask.width * mask.height).toBeGreaterThan(0)
          }
        } catch (error) {
          errors++
          expect(error).toBeInstanceOf(Error)
          if (name.endsWith('.jpg')) expect((error as Error).message).toContain(name)
        }
      }
    }
    expect(errors).toBeGreaterThan(0)
    process.stdout.write(`fuzz: ${CASES} corrupted images and masks (${errors} refused)\n`)
  })
})
