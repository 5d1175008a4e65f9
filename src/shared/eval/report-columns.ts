import { formatAlpha } from './alpha-keys'
import type { PckReport } from './pck-types'

export type Measure = 'perImage' | 'perPoint'

export const MEASURE_LABEL: Record<Measure, string> = { perImage: 'per image', perPoint: 'per point' }

/**
 * The key under which a report stores `alpha`, matched by value so that a number 0.1 finds a
 * report written with "0.10"; undefined when the report did not score it.
 */
function alphaKeyIn(report: PckReport, alpha: number | string): string | undefined {
  const value = Number(alpha)
  return report.alphas.find((k) => Number(k) === value)
}

export interface ReportTable {
  alpha: string
  measure: Measure
  /** Union of the reports' categories, sorted. */
  categories: string[]
  rows: {
    method: string
    /** Per category, null where the report has no such category or did not score the alpha. */
    values: (number | null)[]
    /** Unweighted mean over the report's own categories (for perImage: its meanOfCategories). */
    mean: number | null
    /** Over all pairs (perImage) or all points (perPoint), i.e. weighted by the category sizes. */
    all: number | null
  }[]
}

/** Rows = reports in the given order; one alpha and one measure, perImage at 0.1 unless told. */
export function reportTable(reports: readonly PckReport[], options: { alpha?: number | string; measure?: Measure } = {}): ReportTable {
  const alpha = options.alpha ?? 0.1
  const measure = options.measure ?? 'perImage'
  const categories = [...new Set(reports.flatMap((r) => Object.keys(r.categories)))].sort()
  const rows = reports.map((r) => {
    const key = alphaKeyIn(r, alpha)
    if (key === undefined) return { method: r.method, values: categories.map(() => null), mean: null, all: null }
    const own = Object.values(r.categories).map((c) => c[key]?.[measure] ?? 0)
    return {
      method: r.method,
      values: categories.map((c) => r.categories[c]?.[key]?.[measure] ?? null),
      mean: own.length > 0 ? own.reduce((s, v) => s + v, 0) / own.length : null,
      all: r.overall[key]?.[measure] ?? null,
    }
  })
  return { alpha: typeof alpha === 'string' ? alpha : formatAlpha(alpha), measure, categories, rows }
}
