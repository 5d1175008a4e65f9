// uPlot draws on one canvas (~50 kB minified, no dependencies, fast even with many series), sets
// its inline styles through the DOM rather than style attributes or <style> tags (so it lives
// with the strict CSP), and its own hover legend reads values off the curves. Heavier libraries
// (Chart.js, Recharts, ECharts) cost 4-20x the bytes for features this plot does not need.
import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { Measure } from '../../../../shared/eval/report-columns'
import type { PckReport } from '../../../../shared/eval/pck-types'
import { methodColour } from '../../lib/palette'
import { alphaUnion } from './report-selection'

const HEIGHT = 300

function chartData(reports: readonly PckReport[], measure: Measure): uPlot.AlignedData {
  const alphas = alphaUnion(reports)
  const xs = alphas.map(Number)
  const ys = reports.map((r) =>
    xs.map((x) => {
      const k = r.alphas.find((a) => Number(a) === x)
      const v = k === undefined ? undefined : r.overall[k]?.[measure]
      return v === undefined ? null : v * 100
    }),
  )
  return [xs, ...ys]
}

/** Overall PCK (%) against alpha, one curve per report, coloured as in the exported SVG. */
export function PckChart({ reports, measure }: { reports: readonly PckReport[]; measure: Measure }): React.JSX.Element {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = ref.current
    if (!el || reports.length === 0) return
    const ink = getComputedStyle(el).color
    const grid = { stroke: 'rgba(128,128,128,0.25)', width: 1 }
    const data = chartData(reports, measure)
    const xMax = Math.max(...(data[0] as number[]), 0.01)
    const opts: uPlot.Options = {
      width: Math.max(320, el.clientWidth),
      height: HEIGHT,
      scales: { x: { time: false, range: [0, xMax * 1.05] }, y: { range: [0, 100] } },
      axes: [
        // Ticks at the scored alphas (and 0), as in the SVG export, rather than uPlot's round steps.
        { label: 'alpha', stroke: ink, grid, splits: () => [0, ...(data[0] as number[])], values: (_u, v) => v.map((x) => String(x)) },
        { label: 'PCK (%)', stroke: ink, grid },
      ],
      series: [
        { label: 'alpha' },
        ...reports.map((r, i) => ({
          label: r.method,
          stroke: methodColour(i),
          width: 2,
          spanGaps: true,
          points: { show: true, size: 7, fill: methodColour(i) },
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : v.toFixed(1)),
        })),
      ],
    }
    const plot = new uPlot(opts, data, el)
    const ro = new ResizeObserver(([entry]) => entry && plot.setSize({ width: Math.max(320, entry.contentRect.width), height: HEIGHT }))
    ro.observe(el)
    return () => {
      ro.disconnect()
      plot.destroy()
    }
  }, [reports, measure])
  return <div ref={ref} className="chart" data-testid="pck-chart" role="img" aria-label={`PCK versus alpha, ${measure === 'perImage' ? 'per image' : 'per point'}`} />
}
