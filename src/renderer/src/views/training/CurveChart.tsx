// uPlot, as in reports/PckChart.tsx: one canvas, styles set through the DOM (fine under the strict CSP).
import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

const HEIGHT = 300

export interface CurveSeries {
  label: string
  colour: string
  width: number
  /** One value per step; null is a gap that the line spans. */
  values: (number | null)[]
}

/**
 * Lines against training step, shared by the single-run and the comparison chart. The caller
 * memoises `steps` and `series`: a new identity rebuilds the plot.
 */
export function CurveChart({
  steps,
  series,
  log,
  testId,
  label,
}: {
  steps: readonly number[]
  series: readonly CurveSeries[]
  log: boolean
  testId: string
  label: string
}): React.JSX.Element {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = ref.current
    if (!el || steps.length === 0) return
    const ink = getComputedStyle(el).color
    const grid = { stroke: 'rgba(128,128,128,0.25)', width: 1 }
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
        ...series.map((s) => ({
          label: s.label,
          stroke: s.colour,
          width: s.width,
          spanGaps: true,
          // A short run logs few rows; points keep a one-row curve visible.
          points: { show: steps.length < 40, size: 5, fill: s.colour },
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : v.toPrecision(4)),
        })),
      ],
    }
    const plot = new uPlot(opts, [[...steps], ...series.map((s) => s.values)], el)
    const ro = new ResizeObserver(([entry]) => entry && plot.setSize({ width: Math.max(320, entry.contentRect.width), height: HEIGHT }))
    ro.observe(el)
    return () => {
      ro.disconnect()
      plot.destroy()
    }
  }, [steps, series, log])
  return <div ref={ref} className="chart" data-testid={testId} data-rows={steps.length} role="img" aria-label={`${label}${log ? ', log scale' : ''}`} />
}
