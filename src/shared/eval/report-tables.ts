import { MEASURE_LABEL, reportTable } from './report-columns'
import type { Measure } from './report-columns'
import type { PckReport } from './pck-types'

export interface TableOptions {
  /** Default 0.1; matched by value against each report's alpha keys. */
  alpha?: number | string
  /** Default 'perImage'. */
  measure?: Measure
}

const csvCell = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
const mdCell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
const distinct = (values: readonly string[]): string => [...new Set(values)].join(' / ')

/**
 * CSV with RFC 4180 quoting and LF line ends: `method,<categories...>,mean,all`, fractions with
 * 6 decimals, an empty cell where a report lacks the category or the alpha.
 */
export function reportsToCsv(reports: readonly PckReport[], options: TableOptions = {}): string {
  const t = reportTable(reports, options)
  const num = (v: number | null): string => (v === null ? '' : v.toFixed(6))
  const lines = [['method', ...t.categories, 'mean', 'all'].map(csvCell).join(',')]
  for (const r of t.rows) lines.push([csvCell(r.method), ...r.values.map(num), num(r.mean), num(r.all)].join(','))
  return `${lines.join('\n')}\n`
}

/**
 * A caption line naming what the numbers are (alpha, measure, threshold, comparison; mixed
 * conventions show as "bbox / image", a warning that the rows are not comparable), then a GitHub
 * table in percent with one decimal, "–" where a value is missing.
 */
export function reportsToMarkdown(reports: readonly PckReport[], options: TableOptions = {}): string {
  const t = reportTable(reports, options)
  const num = (v: number | null): string => (v === null ? '–' : (v * 100).toFixed(1))
  const compare = distinct(reports.map((r) => (r.compare === 'le' ? 'err <= alpha*T' : 'err < alpha*T')))
  const caption = `PCK@${t.alpha}, ${MEASURE_LABEL[t.measure]}, %, threshold ${distinct(reports.map((r) => r.threshold))}, ${compare}`
  const header = ['method', ...t.categories, 'mean', 'all']
  const lines = [
    caption,
    '',
    `| ${header.map(mdCell).join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...t.rows.map((r) => `| ${[mdCell(r.method), ...r.values.map(num), num(r.mean), num(r.all)].join(' | ')} |`),
  ]
  return `${lines.join('\n')}\n`
}
