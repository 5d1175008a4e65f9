import { formatGain, gainOf, meanStd } from '../../../shared/eval/gain'
import type { Gain, MeanStd } from '../../../shared/eval/gain'
import type { PckReport } from '../../../shared/eval/pck-types'

export interface MethodSummary {
  seeds: number[]
  overall: { perImage: MeanStd; perPoint: MeanStd; meanOfCategories: MeanStd }
  categories: Record<string, { perImage: MeanStd }>
  viewpoint_variation: Record<string, { perImage: MeanStd }>
}

/** One method's reports (one per seed) at one alpha, as `semagic bench --json` writes it. */
export function summarizeMethod(seeds: number[], reports: readonly PckReport[], alpha: string): MethodSummary {
  const over = (pick: (r: PckReport) => number | undefined): MeanStd =>
    meanStd(reports.map(pick).filter((v): v is number => v !== undefined))
  const categories = [...new Set(reports.flatMap((r) => Object.keys(r.categories)))].sort()
  const levels = [...new Set(reports.flatMap((r) => Object.keys(r.flags.viewpoint_variation)))].sort()
  return {
    seeds,
    overall: {
      perImage: over((r) => r.overall[alpha]?.perImage),
      perPoint: over((r) => r.overall[alpha]?.perPoint),
      meanOfCategories: over((r) => r.overall[alpha]?.meanOfCategories),
    },
    categories: Object.fromEntries(categories.map((c) => [c, { perImage: over((r) => r.categories[c]?.[alpha]?.perImage) }])),
    viewpoint_variation: Object.fromEntries(
      levels.map((l) => [l, { perImage: over((r) => r.flags.viewpoint_variation[l]?.[alpha]?.perImage) }]),
    ),
  }
}

/** The table `semagic bench` prints: methods x categories, PCK per image in %, mean ± spread. */
export function benchTable(methods: Record<string, MethodSummary>): string {
  const categories = [...new Set(Object.values(methods).flatMap((m) => Object.keys(m.categories)))].sort()
  const cell = (v: MeanStd, n: number): string => `${(100 * v.mean).toFixed(1)}${n > 1 ? ` ± ${(100 * v.std).toFixed(1)}` : ''}`
  const header = ['method', ...categories, 'mean', 'vp=2']
  const rows = Object.entries(methods).map(([name, m]) => {
    const n = m.seeds.length
    const catMeans = categories.map((c) => m.categories[c]?.perImage)
    const vp2 = m.viewpoint_variation['2']?.perImage
    return [name, ...catMeans.map((v) => (v ? cell(v, n) : '-')), cell(m.overall.meanOfCategories, n), vp2 ? cell(vp2, n) : '-']
  })
  return textTable(header, rows)
}

/**
 * One seed's reports of per-category models (each scored on its own category) as one report:
 * per image and per point pooled by their pair and point counts, categories side by side,
 * viewpoint levels pooled by pairs. Only what `summarizeMethod` reads is filled in.
 */
export function combineCategoryReports(reports: readonly PckReport[], alpha: string): PckReport {
  let pairs = 0
  let points = 0
  let perImage = 0
  let perPoint = 0
  const categories: PckReport['categories'] = {}
  const levels = new Map<string, { pairs: number; sum: number }>()
  for (const r of reports) {
    for (const [c, cell] of Object.entries(r.categories)) categories[c] = cell
    const o = r.overall[alpha]
    if (o) {
      pairs += o.pairs
      points += o.points
      perImage += o.perImage * o.pairs
      perPoint += o.perPoint * o.points
    }
    for (const [level, cells] of Object.entries(r.flags.viewpoint_variation)) {
      const cell = cells[alpha]
      if (!cell) continue
      const acc = levels.get(level) ?? { pairs: 0, sum: 0 }
      acc.pairs += cell.pairs
      acc.sum += cell.perImage * cell.pairs
      levels.set(level, acc)
    }
  }
  const catValues = Object.values(categories).map((c) => c[alpha]?.perImage ?? 0)
  return {
    ...reports[0]!,
    categories,
    overall: {
      [alpha]: {
        perImage: pairs ? perImage / pairs : 0,
        perPoint: points ? perPoint / points : 0,
        meanOfCategories: catValues.length ? catValues.reduce((a, b) => a + b, 0) / catValues.length : 0,
        pairs,
        points,
      },
    },
    flags: {
      ...reports[0]!.flags,
      viewpoint_variation: Object.fromEntries(
        [...levels].map(([level, acc]) => [level, { [alpha]: { perImage: acc.pairs ? acc.sum / acc.pairs : 0, perPoint: 0, pairs: acc.pairs } }]),
      ),
    },
  }
}

/** A method's gains over its reference per category, on the mean of categories and per viewpoint level (see gainOf). */
export function gainOver(method: MethodSummary, reference: MethodSummary): Record<string, Gain> {
  const gain = (m: MeanStd | undefined, r: MeanStd | undefined): Gain | null => (m && r ? gainOf(m, r) : null)
  const cells: [string, Gain | null][] = [
    ...Object.keys(method.categories).sort().map((c): [string, Gain | null] => [c, gain(method.categories[c]?.perImage, reference.categories[c]?.perImage)]),
    ['mean', gain(method.overall.meanOfCategories, reference.overall.meanOfCategories)],
    ...Object.keys(method.viewpoint_variation).sort().map((l): [string, Gain | null] => [`vp=${l}`, gain(method.viewpoint_variation[l]?.perImage, reference.viewpoint_variation[l]?.perImage)]),
  ]
  return Object.fromEntries(cells.filter((c): c is [string, Gain] => c[1] !== null))
}

/** The gains of several methods over one reference as the lines `semagic bench` prints under its table. */
export function gainTable(gains: Record<string, Record<string, Gain>>, reference: string): string {
  const columns = [...new Set(Object.values(gains).flatMap((g) => Object.keys(g)))]
  const order = (c: string): number => (c === 'mean' ? 1 : c.startsWith('vp=') ? 2 : 0)
  columns.sort((a, b) => order(a) - order(b) || a.localeCompare(b))
  const cell = (g: Gain | undefined): string => (g ? formatGain(g) : '-')
  const header = [`minus ${reference}`, ...columns]
  const rows = Object.entries(gains).map(([name, g]) => [name, ...columns.map((c) => cell(g[c]))])
  return textTable(header, rows)
}

/** Columns padded to their widest cell, two spaces apart, a rule under the header. */
function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n'
}
