import type { ReportSummary } from '../../../../shared/ipc/channels/eval'
import type { PckReport } from '../../../../shared/eval/pck-types'

/** The report's key for `alpha`, matched by value ("0.10" finds 0.1), as report-columns does. */
export function alphaKeyIn(report: PckReport, alpha: string): string | undefined {
  const v = Number(alpha)
  return report.alphas.find((k) => Number(k) === v)
}

/** Every alpha any of the reports scored, by value, written as the first report that has it. */
export function alphaUnion(reports: readonly PckReport[]): string[] {
  const byValue = new Map<number, string>()
  for (const r of reports) for (const a of r.alphas) if (!byValue.has(Number(a))) byValue.set(Number(a), a)
  return [...byValue.entries()].sort((a, b) => a[0] - b[0]).map(([, k]) => k)
}

const conventions = (s: ReportSummary): string => `${s.options.threshold}, ${s.options.compare === 'le' ? '≤' : '<'}`

/**
 * Rows are named by method; where one method was scored under several conventions (bbox vs
 * image threshold, <= vs <), the convention is added to the name, since those rows are not
 * comparable and must not look like duplicates.
 */
export function labelReports(summaries: readonly ReportSummary[]): PckReport[] {
  const perMethod = new Map<string, Set<string>>()
  for (const s of summaries) perMethod.set(s.method, (perMethod.get(s.method) ?? new Set()).add(conventions(s)))
  return summaries.map((s) => ((perMethod.get(s.method)?.size ?? 0) > 1 ? { ...s.report, method: `${s.method} (${conventions(s)})` } : s.report))
}

/**
 * Shown unless the user says otherwise: the newest report per method and convention (the list is
 * newest first), so a re-run replaces its older row instead of doubling it.
 */
export function defaultSelection(summaries: readonly ReportSummary[]): Set<string> {
  const seen = new Set<string>()
  const keys = new Set<string>()
  for (const s of summaries) {
    const id = `${s.method}\u0000${conventions(s)}`
    if (seen.has(id)) continue
    seen.add(id)
    keys.add(s.key)
  }
  return keys
}
