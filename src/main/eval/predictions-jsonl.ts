/**
 * External predictions as JSON Lines, one pair per line:
 *   {"pair": "000001-2008_000001-2008_000002:cat", "split": "test", "kps": [[x, y], ...]}
 * rows in the order of the pair's trg_kps, in original target pixels. A row may be `null` for a
 * keypoint the method did not predict (scored as wrong, not an error). Other fields are ignored.
 */
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { SPAIR_SPLITS } from '../../shared/ipc/channels/datasets'
import type { Xy } from '../../shared/eval/pck-types'
import { canonicalPairName } from '../datasets/spair/pair-name'

export interface PredictionError {
  file: string
  /** 1-based, counting blank lines. */
  line: number
  /** `(json)` for a line that is not a JSON object, else the field: `pair`, `split`, `kps`, `kps[3]`, `kps[3][0]`. */
  field: string
  message: string
}

export interface PredictionsFile {
  /** By `${split}/${canonical pair name}`; only lines without errors. */
  predictions: Map<string, (Xy | null)[]>
  /** A pair whose line has an error has no entry above: it counts as missing (wrong). */
  errors: PredictionError[]
  /** Non-blank lines read. */
  lines: number
}

/** Python's json.dumps writes bare NaN/Infinity; quoting them lets the line parse so that the error can name the coordinate. */
const BARE_NON_FINITE = /(?<=[[,:]\s*)(-?Infinity|NaN)(?=\s*[\],}])/g
const NON_FINITE_MARK = '\u0000'

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const show = (v: unknown): string => (typeof v === 'string' && v.startsWith(NON_FINITE_MARK) ? v.slice(1) : JSON.stringify(v) ?? String(v))

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    try {
      return JSON.parse(text.replace(BARE_NON_FINITE, (m) => JSON.stringify(NON_FINITE_MARK + m)))
    } catch {
      throw error
    }
  }
}

/** The first bad row of `kps` as [field, message], or null when every row is [x, y] of finite numbers or null. */
function badRow(kps: unknown[]): [string, string] | null {
  for (let i = 0; i < kps.length; i++) {
    const row = kps[i]
    if (row === null) continue
    if (!Array.isArray(row) || row.length !== 2) return [`kps[${i}]`, `is ${show(row)}, not [x, y] or null`]
    for (let j = 0; j < 2; j++) {
      const v: unknown = row[j]
      if (typeof v !== 'number') return [`kps[${i}][${j}]`, `is ${show(v)}, not a number${typeof v === 'string' && v.startsWith(NON_FINITE_MARK) ? ' (write the row as null for a missing prediction)' : ''}`]
      if (!Number.isFinite(v)) return [`kps[${i}][${j}]`, `is ${v}, not a finite number`]
    }
  }
  return null
}

/**
 * Streams and validates a predictions file against the pairs being evaluated: `expectedKps` maps
 * `${split}/${canonical pair name}` to that pair's keypoint count. Pair names may use `_` instead
 * of `:` before the category (Windows copies); they are stored in the canonical `:` form. When a
 * pair appears twice, the first line wins and the second is an error. Errors never throw: the
 * caller decides whether they are fatal.
 */
export async function readPredictionsJsonl(file: string, expectedKps: ReadonlyMap<string, number>): Promise<PredictionsFile> {
  const categories = [...new Set([...expectedKps.keys()].map((k) => k.slice(k.lastIndexOf(':') + 1)))]
  const predictions = new Map<string, (Xy | null)[]>()
  const firstLine = new Map<string, number>()
  const errors: PredictionError[] = []
  let line = 0
  let lines = 0
  const input = createReadStream(file, { encoding: 'utf8' })
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    line++
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw
    if (text.trim() === '') continue
    lines++
    const fail = (field: string, message: string): void => void errors.push({ file, line, field, message })

    let row: unknown
    try {
      row = parseLine(text)
    } catch (error) {
      fail('(json)', `is not JSON: ${error instanceof Error ? error.message : String(error)}`)
      continue
    }
    if (!isObject(row)) {
      fail('(json)', `is ${Array.isArray(row) ? 'an array' : show(row)}, not an object`)
      continue
    }
    const { pair, split, kps } = row
    const before = errors.length
    if (pair === undefined) fail('pair', 'is missing')
    else if (typeof pair !== 'string' || pair === '') fail('pair', `is ${show(pair)}, not a pair name`)
    if (split === undefined) fail('split', 'is missing')
    else if (typeof split !== 'string' || !(SPAIR_SPLITS as readonly string[]).includes(split)) fail('split', `is ${show(split)}, not one of ${SPAIR_SPLITS.join(', ')}`)
    if (kps === undefined) fail('kps', 'is missing')
    else if (!Array.isArray(kps)) fail('kps', `is ${show(kps)}, not an array of [x, y]`)
    if (errors.length > before || typeof pair !== 'string' || typeof split !== 'string' || !Array.isArray(kps)) continue

    const key = `${split}/${canonicalPairName(pair, categories)}`
    const expected = expectedKps.get(key)
    const seenAt = firstLine.get(key)
    if (expected === undefined) fail('pair', `no ${split} pair is named ${JSON.stringify(pair)}`)
    else if (seenAt !== undefined) fail('pair', `${JSON.stringify(pair)} already appeared on line ${seenAt}; this line is ignored`)
    else if (kps.length !== expected) fail('kps', `has ${kps.length} rows but the pair has ${expected} keypoints`)
    else {
      const bad = badRow(kps)
      if (bad) fail(...bad)
    }
    if (expected !== undefined && seenAt === undefined) firstLine.set(key, line)
    if (errors.length === before) predictions.set(key, kps as (Xy | null)[])
  }
  return { predictions, errors, lines }
}
