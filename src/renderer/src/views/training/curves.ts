/** Pure helpers behind the Training view's charts; no DOM, so unit tests run them in Node. */

export interface CurveRow {
  step: number
  losses: Record<string, number>
  seconds: number
}

/** The loss terms of METHOD.md §5 in a fixed order, so each keeps its colour across runs. */
const KNOWN = ['total', 'view', 'feature', 'chamfer']

/**
 * The loss terms METHOD.md §5 plots. The log also carries sub-terms and bookkeeping (code,
 * deformation, dt, featureWeight) whose scales would flatten the curves, so they are left out;
 * a run that logged none of the four shows whatever it logged instead.
 */
export function lossKeys(rows: readonly CurveRow[]): string[] {
  const seen = new Set(rows.flatMap((r) => Object.keys(r.losses)))
  const known = KNOWN.filter((k) => seen.has(k))
  return known.length > 0 ? known : [...seen].sort()
}

/** A log axis cannot place zero or negative values: they become gaps rather than break the scale. */
export function plotValue(v: number | undefined, log: boolean): number | null {
  return v === undefined || !Number.isFinite(v) || (log && v <= 0) ? null : v
}

/**
 * Several runs' values of one loss term on a shared step axis (uPlot wants one x array for all
 * series): the union of their logged steps, with null where a run logged nothing at that step.
 */
export function alignCurves(curves: readonly (readonly CurveRow[])[], key: string, log: boolean): { steps: number[]; values: (number | null)[][] } {
  const steps = [...new Set(curves.flatMap((rows) => rows.map((r) => r.step)))].sort((a, b) => a - b)
  const values = curves.map((rows) => {
    const at = new Map(rows.map((r) => [r.step, r.losses[key]]))
    return steps.map((s) => plotValue(at.get(s), log))
  })
  return { steps, values }
}

/** At most two runs are compared; ticking a third drops the earlier pick, so the latest two stay. */
export function toggleCompare(current: readonly string[], runId: string): string[] {
  if (current.includes(runId)) return current.filter((id) => id !== runId)
  return [...current, runId].slice(-2)
}

/** The `compare` route parameter: run ids joined by commas (run ids never contain one). */
export function parseCompare(param: string | null): string[] {
  return [...new Set((param ?? '').split(',').filter(Boolean))].slice(0, 2)
}
