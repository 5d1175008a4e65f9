// uPlot, as in reports/PckChart.tsx: one canvas, styles set through the DOM (fine under the strict CSP).
import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { methodColour } from '../../lib/palette'

const HEIGHT = 300
/** The loss terms of METHOD.md §5 in a fixed order, so each keeps its colour across runs. */
const KNOWN = ['total', 'view', 'feature', 'chamfer']

export interface CurveRow {
  step: number
  losses: Record<string, number>
  seconds: number
}

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

function chartData(rows: readonly CurveRow[], keys: readonly string[], log: boolean): uPlot.AlignedData {
  const xs = rows.map((r) => r.step)
  // A log axis cannot place zero or negative values: leave them as gaps rather than break the scale.
  const ys = keys.map((k) => rows.map((r) => {
    const v = r.losses[k]
    return v === undefined || !Number.isFinite(v) || (log && v <= 0) ? null : v
  }))
  return [xs, ...ys]
}

/** Loss against step, one series per loss key. */
export function LossChart({ rows, log }: { rows: readonly CurveRow[]; log: boolean }): React.JSX.Element {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = ref.current
    if (!el || rows.length === 0) return
    const ink = getComputedStyle(el).color
    const grid = { stroke: 'rgba(128,128,128,0.25)', width: 1 }
    const keys = lossKeys(rows)
    const opts: uPlot.Options = {
      width: Math.max(320, el.clientWidth),
      height: HEIGHT,
      scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
      axes: [
        { label: 'step', stroke: ink, grid },
        { label: log ? 'loss (log)' : 'loss', stroke: ink, grid, size: 60 },
      ],
      series: [
        { label: 'step' },
        ...keys.map((k, i) => ({
          label: k,
          stroke: methodColour(i),
          width: k === 'total' ? 2 : 1.5,
          spanGaps: true,
          // A short run logs few rows; points keep a one-row curve visible.
          points: { show: rows.length < 40, size: 5, fill: methodColour(i) },
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : v.toPrecision(4)),
        })),
      ],
    }
    const plot = new uPlot(opts, chartData(rows, keys, log), el)
    const ro = new ResizeObserver(([entry]) => entry && plot.setSize({ width: Math.max(320, entry.contentRect.width), height: HEIGHT }))
    ro.observe(el)
    return () => {
      ro.disconnect()
      plot.destroy()
    }
  }, [rows, log])
  return <div ref={ref} className="chart" data-testid="loss-chart" data-rows={rows.length} role="img" aria-label={`Loss versus step${log ? ', log scale' : ''}`} />
}
