import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readPredictionsJsonl } from '../../../src/main/eval/predictions-jsonl'
import { tempDir } from '../../helpers/temp-dir'
import { fixturePairs } from './fixture-pairs'

/** Keypoint counts of the fixture's test pairs (3, 3, 2, 4), plus three made-up pairs so that every bad line below names a pair of its own. */
const expected = new Map([
  ...[...fixturePairs.values()].map((p) => [`test/${p.filename}`, p.trg_kps.length] as const),
  ['test/000011-2010_000004-2011_000006:bicycle', 2],
  ['test/000016-2011_000006-2010_000004:bicycle', 2],
  ['test/000017-2010_000005-2011_000006:bicycle', 4],
])

const dirs: { remove(): void }[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))
function file(text: string): string {
  const dir = tempDir('semagic-predictions-')
  dirs.push(dir)
  const path = join(dir.path, 'predictions.jsonl')
  writeFileSync(path, text)
  return path
}

describe('readPredictionsJsonl on a good file', () => {
  it('keys rows by split/canonical name, accepting "_" before the category, null rows, CRLF, a BOM and blank lines', async () => {
    const path = file(
      [
        '\uFEFF{"pair": "000001-2008_000001-2008_000002:cat", "split": "test", "kps": [[16, 28], [93, 26], [106, 35.5]]}',
        '',
        '{"pair": "000002-2008_000002-2008_000001_cat", "split": "test", "kps": [[40, 30], null, [225, 295]], "score": 0.9}',
        '{"pair":"000005-2010_000005-2010_000004_bicycle","split":"test","kps":[[20,15],[131,174],[110,125],[221,74]]}',
        '',
      ].join('\r\n'),
    )
    const read = await readPredictionsJsonl(path, expected)
    expect(read.errors).toEqual([])
    expect(read.lines).toBe(3)
    expect([...read.predictions.keys()]).toEqual([
      'test/000001-2008_000001-2008_000002:cat',
      'test/000002-2008_000002-2008_000001:cat',
      'test/000005-2010_000005-2010_000004:bicycle',
    ])
    expect(read.predictions.get('test/000001-2008_000001-2008_000002:cat')).toEqual([[16, 28], [93, 26], [106, 35.5]])
    expect(read.predictions.get('test/000002-2008_000002-2008_000001:cat')).toEqual([[40, 30], null, [225, 295]])
  })
})

describe('readPredictionsJsonl on a bad file', () => {
  const lines = [
    /* 1 */ '{"pair": "000001-2008_000001-2008_000002:cat", "split": "test", "kps": [[1, 2], [3, 4], [5, 6]]}',
    /* 2 */ '{"pair": "000001-2008_000001-2008_000002:cat", "split": "test", "kps": [[1, 2], [3, 4]',
    /* 3 */ '{"split": "test", "kps": []}',
    /* 4 */ '{"pair": "000002-2008_000002-2008_000001:cat", "kps": [[1, 2], [3, 4], [5, 6]]}',
    /* 5 */ '{"pair": "000002-2008_000002-2008_000001:cat", "split": "test"}',
    /* 6 */ '{"pair": "000003-2010_000004-2010_000005:bicycle", "split": "test", "kps": [[1, 2], [3, 4], [5, 6]]}',
    /* 7 */ '{"pair": "000009-2008_000001-2008_000002:cat", "split": "test", "kps": [[1, 2], [3, 4], [5, 6]]}',
    /* 8 */ '{"pair": "000001-2008_000001-2008_000002_cat", "split": "test", "kps": [[1, 2], [3, 4], [5, 6]]}',
    /* 9 */ '{"pair": "000005-2010_000005-2010_000004:bicycle", "split": "test", "kps": [[1, 2], [NaN, 4], [5, 6], [7, 8]]}',
    /* 10 */ '{"pair": "000002-2008_000002-2008_000001:cat", "split": "test", "kps": [[1, 2], [3, 1e999], [5, 6]]}',
    /* 11 */ '{"pair": "000011-2010_000004-2011_000006:bicycle", "split": "test", "kps": [[1, "2"], [3, 4]]}',
    /* 12 */ '{"pair": "000003-2010_000004-2010_000005:bicycle", "split": "val", "kps": [[1, 2], [3, 4]]}',
    /* 13 */ '{"pair": "000003-2010_000004-2010_000005:bicycle", "split": "testing", "kps": [[1, 2], [3, 4]]}',
    /* 14 */ '[1, 2]',
    /* 15 */ '{"pair": 7, "split": "test", "kps": {"0": [1, 2]}}',
    /* 16 */ '{"pair": "000016-2011_000006-2010_000004:bicycle", "split": "test", "kps": [[1, 2, 3], [3, 4]]}',
    /* 17 */ '{"pair": "000017-2010_000005-2011_000006:bicycle", "split": "test", "kps": [[1, 2], [3, 4], [5, 6], [7, -Infinity]]}',
  ]

  it('names the file, line and field of every error and keeps only the good lines', async () => {
    const path = file(`${lines.join('\n')}\n`)
    const read = await readPredictionsJsonl(path, expected)
    expect(read.errors.every((e) => e.file === path)).toBe(true)
    expect(read.errors.map((e) => [e.line, e.field])).toEqual([
      [2, '(json)'],
      [3, 'pair'],
      [4, 'split'],
      [5, 'kps'],
      [6, 'kps'],
      [7, 'pair'],
      [8, 'pair'],
      [9, 'kps[1][0]'],
      [10, 'kps[1][1]'],
      [11, 'kps[0][1]'],
      [12, 'pair'],
      [13, 'split'],
      [14, '(json)'],
      [15, 'pair'],
      [15, 'kps'],
      [16, 'kps[0]'],
      [17, 'kps[3][1]'],
    ])
    const message = (line: number, field: string): string | undefined => read.errors.find((e) => e.line === line && e.field === field)?.message
    expect(message(3, 'pair')).toBe('is missing')
    expect(message(6, 'kps')).toBe('has 3 rows but the pair has 2 keypoints')
    expect(message(7, 'pair')).toMatch(/no test pair is named "000009-/)
    expect(message(8, 'pair')).toMatch(/already appeared on line 1/)
    expect(message(9, 'kps[1][0]')).toMatch(/is NaN, not a number.*null/)
    expect(message(10, 'kps[1][1]')).toBe('is Infinity, not a finite number')
    expect(message(11, 'kps[0][1]')).toBe('is "2", not a number')
    expect(message(12, 'pair')).toMatch(/no val pair/)
    expect(message(17, 'kps[3][1]')).toMatch(/is -Infinity, not a number/)
    // Only line 1 is usable; every other pair counts as missing.
    expect([...read.predictions.keys()]).toEqual(['test/000001-2008_000001-2008_000002:cat'])
    expect(read.lines).toBe(17)
  })

  it('keeps the first line of a pair even when a later one is good', async () => {
    const bad = '{"pair": "000003-2010_000004-2010_000005:bicycle", "split": "test", "kps": [[1, 2]]}'
    const good = '{"pair": "000003-2010_000004-2010_000005:bicycle", "split": "test", "kps": [[1, 2], [3, 4]]}'
    const read = await readPredictionsJsonl(file(`${bad}\n${good}\n`), expected)
    expect(read.errors.map((e) => [e.line, e.field])).toEqual([
      [1, 'kps'],
      [2, 'pair'],
    ])
    expect(read.predictions.size).toBe(0)
  })

  it('rejects a missing file', async () => {
    const missing = join(file(''), '..', 'none.jsonl')
    await expect(readPredictionsJsonl(missing, expected)).rejects.toThrow(/ENOENT/)
  })
})
