/**
 * Times the PCK evaluator on a synthetic set the size of SPair-71k test (12,234 pairs, real
 * per-category counts, ~10 keypoints per pair, 3 alphas) against a straightforward
 * object-per-point implementation written here, checks that both give identical reports, times
 * reading the same predictions as JSON Lines, and records the figures in BENCHMARKS.md.
 *
 *   npx vite-node bench/eval.bench.ts
 *
 * Budget: the evaluator scores the set in well under a second (here: under 250 ms cold).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { readPredictionsJsonl } from '../src/main/eval/predictions-jsonl'
import { formatAlpha } from '../src/shared/eval/alpha-keys'
import { evaluatePck } from '../src/shared/eval/pck-report'
import { FLAG_NAMES } from '../src/shared/eval/pck-types'
import type { PckReport, ReportMeta, ScoredPair, Xy } from '../src/shared/eval/pck-types'
import { cpuModel, updateBenchmarks } from './bench-report'

const COMMAND = 'npx vite-node bench/eval.bench.ts'
const MARK_BEGIN = '<!-- bench:eval -->'
const MARK_END = '<!-- /bench:eval -->'
const BUDGET_MS = 250
const ALPHAS = [0.05, 0.1, 0.15]
/** SPair-71k test: [category, pairs, keypoint id slots] (SPAIR.md §3). */
const CATEGORIES: [string, number, number][] = [
  ['aeroplane', 690, 25], ['bicycle', 650, 14], ['bird', 702, 17], ['boat', 702, 14], ['bottle', 870, 10], ['bus', 644, 30],
  ['car', 564, 30], ['cat', 600, 15], ['chair', 646, 14], ['cow', 640, 21], ['dog', 600, 16], ['horse', 600, 20],
  ['motorbike', 702, 13], ['person', 650, 20], ['pottedplant', 862, 9], ['sheep', 664, 21], ['train', 756, 18], ['tvmonitor', 692, 16],
]
const meta: ReportMeta = { method: 'bench', dataset: 'synthetic', split: 'test', cache: 'miss' }

/** mulberry32: a seeded generator, so that every run scores the same set. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), s | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Integer ground truth, bboxes inside 300-500 px images, predictions at a Gaussian distance of
 * ~8 % of T, half of them rounded to integers (ties on the threshold happen), 2 % missing (null or
 * NaN) and 1 % of pairs without a bbox (fallbacks).
 */
function syntheticPairs(): ScoredPair[] {
  const rnd = random(71)
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1))
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd())
  const pairs: ScoredPair[] = []
  let id = 0
  for (const [category, count, slots] of CATEGORIES) {
    for (let c = 0; c < count; c++) {
      const w = int(300, 500)
      const h = int(300, 500)
      const x1 = int(0, w / 3)
      const y1 = int(0, h / 3)
      const x2 = int(x1 + 40, w)
      const y2 = int(y1 + 40, h)
      const n = int(3, Math.min(17, slots))
      const ids = [...Array(slots).keys()]
      for (let i = 0; i < n; i++) {
        const j = int(i, slots - 1)
        ;[ids[i], ids[j]] = [ids[j] as number, ids[i] as number]
      }
      ids.length = n
      ids.sort((a, b) => a - b)
      const trgKps: Xy[] = ids.map(() => [int(x1, x2), int(y1, y2)])
      const t = Math.max(x2 - x1, y2 - y1)
      const predicted = trgKps.map(([x, y]): Xy | null => {
        const r = rnd()
        if (r < 0.01) return null
        if (r < 0.02) return [NaN, y]
        const px = x + gauss() * 0.08 * t
        const py = y + gauss() * 0.08 * t
        return r < 0.5 ? [Math.round(px), Math.round(py)] : [px, py]
      })
      pairs.push({
        split: 'test',
        name: `${String(++id).padStart(6, '0')}-2008_${String(c).padStart(6, '0')}-2009_${String(c).padStart(6, '0')}:${category}`,
        category,
        flags: { viewpoint_variation: int(0, 2), scale_variation: int(0, 2), truncation: int(0, 3), occlusion: int(0, 3) },
        kpsIds: ids,
        trgKps,
        trgBbox: rnd() < 0.01 ? null : [x1, y1, x2, y2],
        trgImageSize: [w, h],
        predicted,
      })
    }
  }
  return pairs
}

/**
 * The obvious implementation, for comparison: an object per point, filter/map/reduce per group
 * and alpha. Same definitions (err / T against alpha; sums in pair and category order), so that
 * its report must equal the evaluator's to the bit.
 */
function straightforwardReport(pairs: ScoredPair[]): PckReport {
  const keys = ALPHAS.map(formatAlpha)
  const mean = (xs: number[]): number => (xs.length > 0 ? xs.reduce((s, x) => s + x, 0) / xs.length : 0)
  const scored = pairs
    .filter((pair) => pair.trgKps.length > 0)
    .map((pair) => {
      const side = pair.trgBbox ? Math.max(pair.trgBbox[2] - pair.trgBbox[0], pair.trgBbox[3] - pair.trgBbox[1]) : NaN
      const fallback = !(side > 0)
      const t = fallback ? Math.max(...pair.trgImageSize) : side
      const points = pair.trgKps.map((gt, i) => {
        const pr = pair.predicted[i]
        const err = pr ? Math.sqrt((pr[0] - gt[0]) ** 2 + (pr[1] - gt[1]) ** 2) : NaN
        return { id: pair.kpsIds[i] as number, norm: err / t }
      })
      return { pair, fallback, points }
    })
  type Scored = (typeof scored)[number]
  const ok = (norm: number, alpha: number): boolean => norm <= alpha
  const pck = (s: Scored, alpha: number): number => s.points.filter((p) => ok(p.norm, alpha)).length / s.points.length
  const pooled = (group: Scored[], alpha: number): number => {
    const points = group.flatMap((s) => s.points)
    return points.length > 0 ? points.filter((p) => ok(p.norm, alpha)).length / points.length : 0
  }
  const perAlpha = <T>(cell: (alpha: number) => T): Record<string, T> => Object.fromEntries(ALPHAS.map((a, i) => [keys[i], cell(a)]))
  const categoryNames = [...new Set(scored.map((s) => s.pair.category))].sort()
  const inCategory = (c: string): Scored[] => scored.filter((s) => s.pair.category === c)
  const categories = Object.fromEntries(
    categoryNames.map((c) => {
      const group = inCategory(c)
      const points = group.reduce((n, s) => n + s.points.length, 0)
      return [c, perAlpha((a) => ({ perImage: mean(group.map((s) => pck(s, a))), perPoint: pooled(group, a), pairs: group.length, points }))]
    }),
  )
  const flags = Object.fromEntries(
    FLAG_NAMES.map((f) => {
      const levels = [...new Set(scored.map((s) => s.pair.flags[f]).filter((l): l is number => l !== null))].sort((a, b) => a - b)
      return [
        f,
        Object.fromEntries(
          levels.map((level) => {
            const group = scored.filter((s) => s.pair.flags[f] === level)
            return [String(level), perAlpha((a) => ({ perImage: mean(group.map((s) => pck(s, a))), perPoint: pooled(group, a), pairs: group.length }))]
          }),
        ),
      ]
    }),
  ) as PckReport['flags']
  const keypoints = Object.fromEntries(
    categoryNames.map((c) => {
      const points = inCategory(c).flatMap((s) => s.points)
      const ids = [...new Set(points.map((p) => p.id))].sort((a, b) => a - b)
      return [
        c,
        Object.fromEntries(
          ids.map((id) => {
            const mine = points.filter((p) => p.id === id)
            return [String(id), perAlpha((a) => ({ perPoint: mine.filter((p) => ok(p.norm, a)).length / mine.length, points: mine.length }))]
          }),
        ),
      ]
    }),
  )
  const allPoints = scored.reduce((n, s) => n + s.points.length, 0)
  return {
    method: meta.method,
    dataset: meta.dataset,
    split: meta.split,
    threshold: 'bbox',
    compare: 'le',
    alphas: keys,
    fallbacks: scored.filter((s) => s.fallback).length,
    overall: perAlpha((a) => ({
      perImage: mean(scored.map((s) => pck(s, a))),
      perPoint: pooled(scored, a),
      meanOfCategories: mean(categoryNames.map((c) => mean(inCategory(c).map((s) => pck(s, a))))),
      pairs: scored.length,
      points: allPoints,
    })),
    categories,
    flags,
    keypoints,
    cache: meta.cache,
  }
}

/** Median wall time of `runs` calls, after the first (cold) call, which is returned separately. */
function time<T>(runs: number, work: () => T): { coldMs: number; medianMs: number; value: T } {
  let t = performance.now()
  const value = work()
  const coldMs = performance.now() - t
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    t = performance.now()
    work()
    ms.push(performance.now() - t)
  }
  ms.sort((a, b) => a - b)
  return { coldMs, medianMs: ms[Math.floor(ms.length / 2)] as number, value }
}



async function main(): Promise<void> {
  const load = loadavg()[0] as number
  const pairs = syntheticPairs()
  const points = pairs.reduce((n, p) => n + p.trgKps.length, 0)
  const fast = time(30, () => evaluatePck(pairs, meta, { alphas: ALPHAS }).report)
  const slow = time(5, () => straightforwardReport(pairs))
  const identical = JSON.stringify(fast.value) === JSON.stringify(slow.value)

  const dir = mkdtempSync(join(tmpdir(), 'semagic-eval-bench-'))
  let jsonl: { ms: number; bytes: number; errors: number }
  try {
    const file = join(dir, 'predictions.jsonl')
    const text = pairs.map((p) => JSON.stringify({ pair: p.name, split: p.split, kps: p.predicted.map((x) => (x && Number.isFinite(x[0]) ? x : null)) })).join('\n')
    writeFileSync(file, `${text}\n`)
    const expected = new Map(pairs.map((p) => [`${p.split}/${p.name}`, p.trgKps.length]))
    const t = performance.now()
    const read = await readPredictionsJsonl(file, expected)
    jsonl = { ms: performance.now() - t, bytes: text.length + 1, errors: read.errors.length }
    if (read.predictions.size !== pairs.length) throw new Error(`read ${read.predictions.size} of ${pairs.length} prediction lines`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }

  const o = fast.value.overall['0.1']
  const machine = `${availableParallelism()} cores (nproc), ${cpuModel()}, Node ${process.version}, ${process.platform}-${process.arch}`
  const met = fast.coldMs < BUDGET_MS
  const section = [
    MARK_BEGIN,
    '## PCK evaluator',
    '',
    `Synthetic SPair-71k-test-sized set: ${pairs.length} pairs, ${points} keypoints (real per-category pair counts, 3-17 keypoints`,
    'per pair), 3 alphas (0.05, 0.1, 0.15), bbox threshold, `le`; 2 % missing predictions, 1 % pairs without a bbox.',
    '`evaluatePck` (typed arrays, one scoring pass) against an object-per-point implementation with filter/map',
    `chains written in the bench; both reports are compared as JSON: ${identical ? 'identical' : 'DIFFERENT'}.`,
    '',
    `- command: \`${COMMAND}\``,
    `- machine: ${machine}`,
    `- date: ${new Date().toISOString().slice(0, 10)}`,
    `- 1-minute load average at start: ${load.toFixed(2)} (other work on the ${availableParallelism()} cores slows every figure)`,
    `- budget: first (cold) evaluation under ${BUDGET_MS} ms: ${met ? 'met' : 'NOT met'}`,
    '',
    '| measure | value |',
    '|---|---|',
    `| evaluatePck, first call (cold JIT), ms | ${fast.coldMs.toFixed(1)} |`,
    `| evaluatePck, median of 30 warm calls, ms | ${fast.medianMs.toFixed(1)} |`,
    `| straightforward implementation, median of 5 warm calls, ms | ${slow.medianMs.toFixed(1)} |`,
    `| speed-up (warm medians) | ${(slow.medianMs / fast.medianMs).toFixed(1)}x |`,
    `| readPredictionsJsonl, ${pairs.length} lines (${(jsonl.bytes / 1e6).toFixed(1)} MB), ms | ${jsonl.ms.toFixed(1)} (${jsonl.errors} errors) |`,
    `| PCK@0.1 per image / per point / mean of categories | ${o?.perImage.toFixed(4)} / ${o?.perPoint.toFixed(4)} / ${o?.meanOfCategories.toFixed(4)} |`,
    MARK_END,
  ].join('\n')
  updateBenchmarks(section, MARK_BEGIN, MARK_END)
  process.stdout.write(
    `${pairs.length} pairs, ${points} points: evaluatePck cold ${fast.coldMs.toFixed(1)} ms, warm ${fast.medianMs.toFixed(1)} ms; ` +
      `straightforward ${slow.medianMs.toFixed(1)} ms; reports ${identical ? 'identical' : 'DIFFERENT'}; ` +
      `JSONL ${jsonl.ms.toFixed(1)} ms; ${machine}; BENCHMARKS.md updated\n`,
  )
  if (!identical || !met) process.exitCode = 1
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})
