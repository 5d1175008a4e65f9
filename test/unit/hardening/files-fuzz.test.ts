import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createCategoryModel } from '../../../src/main/engine/model/category-model'
import { resolveConfig } from '../../../src/main/engine/model/config'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { deserializeModel, deserializeTrainState, keptAzimuthsUnknown, perImageParams, serializeModel, serializeTrainState } from '../../../src/main/engine/train/checkpoint'
import { readPredictionsJsonl } from '../../../src/main/eval/predictions-jsonl'
import { latestCheckpoint, readCheckpoint, writeCheckpoint } from '../../../src/main/runs/checkpoint'
import { tempDir } from '../../helpers/temp-dir'

const dir = tempDir('semagic-files-fuzz-')
afterAll(() => dir.remove())

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32)
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!

const EVIL: unknown[] = [null, true, false, -1, 0, 1, -5, 2.5, 1e308, -1e308, 2 ** 53, 1e9, '', 'x', '1', 'x'.repeat(5000), [], [1], [1, 2, 3, 4, 5], [[1, 2]], {}, { a: 1 }, '🐈', '\u0000', '__proto__']
const EVIL_TEXT = ['NaN', 'Infinity', '-Infinity', '1e999', '-0', '"\\ud800"', '{"__proto__": {"x": 1}}']

/** Every path to a value inside a JSON tree (objects and arrays), the root included, at most `depth` deep. */
function paths(v: unknown, depth = 5, at: (string | number)[] = []): (string | number)[][] {
  const out = [at]
  if (depth === 0 || typeof v !== 'object' || v === null) return out
  const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i).slice(0, 8) : Object.keys(v)
  for (const k of keys) out.push(...paths((v as Record<string | number, unknown>)[k], depth - 1, [...at, k]))
  return out
}

/** One random change of a JSON value at a random path: replaced by an evil value, removed, or replaced by bare text (NaN, 1e999...). */
function mutateJson(json: unknown, r: () => number): string {
  const copy = JSON.parse(JSON.stringify(json)) as Record<string, unknown>
  const at = pick(r, paths(copy).filter((p) => p.length > 0))
  let parent: Record<string | number, unknown> = copy
  for (const k of at.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>
  const key = at[at.length - 1]!
  const how = r()
  if (how < 0.15 && !Array.isArray(parent)) {
    delete parent[key]
    return JSON.stringify(copy)
  }
  if (how < 0.3) {
    parent[key] = '__EVIL__'
    return JSON.stringify(copy).replace('"__EVIL__"', pick(r, EVIL_TEXT))
  }
  parent[key] = pick(r, EVIL)
  return JSON.stringify(copy)
}

/** Text damage: cut short, or a few bytes overwritten (invalid UTF-8 included). */
function damageBytes(bytes: Buffer, r: () => number): Buffer {
  if (r() < 0.5) return bytes.subarray(0, Math.floor(r() * bytes.length))
  const out = Buffer.from(bytes)
  for (let k = 0; k < 1 + Math.floor(r() * 4); k++) if (out.length) out[Math.floor(r() * out.length)] = Math.floor(r() * 256)
  return out
}

describe('external predictions JSONL under malformed input (property-based)', () => {
  // Twenty pairs of two categories with 1 to 8 keypoints, some with `_` before the category as Windows copies write them.
  const r0 = rng(21)
  const pairs = Array.from({ length: 20 }, (_, i) => {
    const category = i % 2 ? 'cat' : 'bicycle'
    return { name: `${String(i + 1).padStart(6, '0')}-2010_${String(i).padStart(6, '0')}-2011_${String(i).padStart(6, '0')}:${category}`, split: pick(r0, ['test', 'val']), kps: 1 + Math.floor(r0() * 8) }
  })
  const expected = new Map(pairs.map((p) => [`${p.split}/${p.name}`, p.kps]))
  const goodLine = (p: (typeof pairs)[number], r: () => number): Record<string, unknown> => ({
    pair: r() < 0.2 ? p.name.replace(':', '_') : p.name,
    split: p.split,
    kps: Array.from({ length: p.kps }, () => (r() < 0.1 ? null : [Math.round(r() * 5000) / 10, Math.round(r() * 5000) / 10])),
  })

  it('never throws; every error names file, line and field; every kept row is [finite x, finite y] or null of the right count', async () => {
    const CASES = 400
    const r = rng(22)
    let lines = 0
    let errors = 0
    for (let i = 0; i < CASES; i++) {
      const chosen = Array.from({ length: 1 + Math.floor(r() * 12) }, () => pick(r, pairs))
      const texts: Buffer[] = chosen.map((p) => {
        const line = goodLine(p, r)
        const roll = r()
        if (roll < 0.45) return Buffer.from(JSON.stringify(line))
        if (roll < 0.85) return Buffer.from(mutateJson(line, r))
        return damageBytes(Buffer.from(JSON.stringify(line)), r)
      })
      if (r() < 0.1) texts.push(Buffer.from('x'.repeat(200_000))) // a long line of junk
      const path = join(dir.path, `predictions-${i}.jsonl`)
      const eol = r() < 0.2 ? '\r\n' : '\n'
      const body = Buffer.concat(texts.flatMap((t) => [t, Buffer.from(r() < 0.05 ? `${eol}${eol}` : eol)]))
      writeFileSync(path, body)
      const totalLines = body.toString('utf8').split(/\r?\n/).length

      const read = await readPredictionsJsonl(path, expected)
      lines += read.lines
      errors += read.errors.length
      for (const e of read.errors) {
        expect(e.file).toBe(path)
        expect(e.line).toBeGreaterThanOrEqual(1)
        expect(e.line).toBeLessThanOrEqual(totalLines)
        expect(e.field.length).toBeGreaterThan(0)
        expect(e.message.length).toBeGreaterThan(0)
      }
      for (const [key, rows] of read.predictions) {
        expect(expected.get(key), key).toBe(rows.length)
        for (const row of rows) if (row !== null) expect(row.length === 2 && row.every((v) => typeof v === 'number' && Number.isFinite(v)), JSON.stringify(row)).toBe(true)
      }
      // A pair is kept at most once, and only when no line about it produced an error on its first appearance.
      expect(read.predictions.size).toBeLessThanOrEqual(read.lines)
    }
    expect(errors).toBeGreaterThan(0)
    process.stdout.write(`fuzz: ${CASES} malformed predictions files (${lines} lines, ${errors} errors reported)\n`)
  })

  it('reads a file that is not text at all, or not there, without throwing past its own error', async () => {
    const path = join(dir.path, 'binary.jsonl')
    writeFileSync(path, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)))
    const read = await readPredictionsJsonl(path, expected)
    expect(read.predictions.size).toBe(0)
    expect(read.errors.every((e) => e.file === path && e.field === '(json)')).toBe(true)
    await expect(readPredictionsJsonl(join(dir.path, 'absent.jsonl'), expected)).rejects.toThrow(/ENOENT.*absent\.jsonl/)
  })
})

describe('checkpoints under malformed manifests and weights (property-based)', () => {
  // A small but complete training state: level-1 template, 4 channels, 3 training images.
  const config = resolveConfig({ templateLevel: 1, codeDims: 2, hypotheses: 2, steps: 100 })
  const model = createCategoryModel(config, 4, [0.35, 0.7, 1], new SeededRandom(3), null)
  const { cameras, codes } = perImageParams(config, 3)
  const state = serializeTrainState({ config, model, keys: ['cat/a', 'cat/b', 'cat/c'], cameras, codes, step: 50, rng: new SeededRandom(4), keptAzimuths: keptAzimuthsUnknown(3), viewpointPrior: null })
  const runDir = join(dir.path, 'run')
  const good = writeCheckpoint(runDir, { step: 50, state: state.manifest as unknown as Record<string, unknown>, tensors: state.weights })
  const manifestText = readFileSync(join(good, 'manifest.json'))
  const manifest = JSON.parse(manifestText.toString('utf8')) as Record<string, unknown>
  const weights = readFileSync(join(good, 'weights.bin'))

  it('a damaged checkpoint is refused with an Error naming its file and field, never a TypeError, never a huge allocation', () => {
    const CASES = 600
    const r = rng(31)
    let refused = 0
    for (let i = 0; i < CASES; i++) {
      const ckpt = join(dir.path, 'cases', `ckpt-${i}`)
      mkdirSync(ckpt, { recursive: true })
      const roll = r()
      // Mostly the manifest (its fields reach the engine: the weights' SHA-256 does not cover them), sometimes the bytes.
      const text = roll < 0.7 ? mutateJson(manifest, r) : roll < 0.85 ? damageBytes(manifestText, r) : manifestText
      writeFileSync(join(ckpt, 'manifest.json'), text)
      writeFileSync(join(ckpt, 'weights.bin'), roll >= 0.85 ? damageBytes(weights, r) : weights)
      const heapBefore = process.memoryUsage().arrayBuffers
      try {
        const stored = readCheckpoint(ckpt)
        const restored = deserializeTrainState({ manifest: stored.state as never, weights: stored.tensors })
        expect(restored.step).toBeGreaterThanOrEqual(0)
      } catch (error) {
        refused++
        expect(error).toBeInstanceOf(Error)
        expect((error as Error).constructor, (error as Error).stack).toBe(Error)
        expect((error as Error).message).toMatch(new RegExp(`^(${ckpt}/(manifest\\.json|weights\\.bin): |checkpoint manifest: |checkpoint: |not a training checkpoint)`))
      }
      expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(64 * 1024 ** 2)
    }
    expect(refused).toBeGreaterThan(CASES / 2)
    process.stdout.write(`fuzz: ${CASES} damaged checkpoints (${refused} refused)\n`)
  })

  it('forged sizes are refused before anything is allocated from them', () => {
    const forge = (edit: (m: Record<string, unknown>) => void): Error => {
      const m = JSON.parse(JSON.stringify(state.manifest)) as Record<string, unknown>
      edit(m)
      try {
        deserializeTrainState({ manifest: m as never, weights: state.weights })
      } catch (error) {
        return error as Error
      }
      throw new Error('accepted')
    }
    expect(forge((m) => (m.channels = 1_000_000)).message).toBe('checkpoint manifest: channels is 1000000, not an integer in [1, 65536]')
    expect(forge((m) => (m.channels = 60_000)).message).toMatch(/^checkpoint manifest: describes a model of \d+ values but its weights hold \d+$/)
    expect(forge((m) => ((m.config as Record<string, unknown>).templateLevel = 12)).message).toMatch(/config.templateLevel is 12, not an integer in \[0, 7\]/)
    expect(forge((m) => ((m.config as Record<string, unknown>).codeDims = 50_000)).message).toMatch(/describes a model of/)
    expect(forge((m) => (m.keys = Array.from({ length: 200_000 }, (_, i) => `k${i}`))).message).toMatch(/describes a model of/)
    expect(forge((m) => ((m.config as Record<string, unknown>).featureField = { hidden: 'x' })).message).toBe('checkpoint manifest: config.featureField.hidden is "x", not a list of layer sizes')
    expect(forge((m) => (m.rng = null)).message).toBe('checkpoint manifest: rng is null, not four 32-bit integers')
    const serialized = serializeModel(model)
    expect(() => deserializeModel({ manifest: null as never, weights: serialized.weights })).toThrow("not a model checkpoint: format 'undefined'")
    expect(deserializeModel(serialized).channels).toBe(4)
  })

  it('the newest damaged checkpoint of a run is skipped for the one before it', () => {
    const run = join(dir.path, 'run-latest')
    writeCheckpoint(run, { step: 50, state: state.manifest as unknown as Record<string, unknown>, tensors: state.weights })
    const newest = writeCheckpoint(run, { step: 100, state: state.manifest as unknown as Record<string, unknown>, tensors: state.weights })
    const r = rng(41)
    for (let i = 0; i < 20; i++) {
      writeFileSync(join(newest, 'manifest.json'), i % 2 ? mutateJson({ ...manifest, step: 100 }, r) : damageBytes(manifestText, r))
      const skipped: string[] = []
      const found = latestCheckpoint(run, (d) => skipped.push(d))
      expect(found).not.toBeNull()
      if (skipped.length) expect([found!.step, skipped]).toEqual([50, [newest]])
    }
    cpSync(good, join(run, 'ckpt-00000200.tmp-123'), { recursive: true })
    expect(latestCheckpoint(run)?.step).toBeLessThanOrEqual(100)
  })
})
