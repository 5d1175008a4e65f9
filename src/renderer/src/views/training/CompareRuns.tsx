import { useMemo, useState } from 'react'
import { modelLabel } from '../../../../shared/ipc/channels/train'
import type { RunSummary } from '../../../../shared/ipc/channels/train'
import { methodColour } from '../../lib/palette'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { CurveChart } from './CurveChart'
import type { CurveSeries } from './CurveChart'
import { alignCurves, lossKeys } from './curves'
import { useRunCurve } from './use-run-curve'

/** How a run is named in the legend: its id alone does not say which variant or seed it was. */
function runLabel(run: RunSummary): string {
  return `${run.id} (${modelLabel(run.config)}, seed ${run.config.seed})`
}

/** Two runs' curves of one loss term overlaid on one step axis. */
export function CompareRuns({ runs, refresh, onClose }: { runs: readonly [RunSummary, RunSummary]; refresh: number; onClose: () => void }): React.JSX.Element {
  const [a, b] = runs
  const curveA = useRunCurve(a.id, refresh)
  const curveB = useRunCurve(b.id, refresh)
  const [term, setTerm] = useState<string | null>(null)
  const [log, setLog] = useState(false)

  const rowsA = curveA.data
  const rowsB = curveB.data
  const keys = useMemo(() => [...new Set([...lossKeys(rowsA ?? []), ...lossKeys(rowsB ?? [])])], [rowsA, rowsB])
  const key = term !== null && keys.includes(term) ? term : (keys[0] ?? '')
  const { steps, series } = useMemo(() => {
    const aligned = alignCurves([rowsA ?? [], rowsB ?? []], key, log)
    const named: CurveSeries[] = [a, b].map((run, i) => ({ label: runLabel(run), colour: methodColour(i), width: 2, values: aligned.values[i]! }))
    return { steps: aligned.steps, series: named }
  }, [rowsA, rowsB, key, log, a, b])

  return (
    <section className="panel" aria-label="Compare runs">
      <div className="toolbar">
        <h2>Compare runs</h2>
        <label>
          Loss{' '}
          <select value={key} onChange={(e) => setTerm(e.target.value)} name="loss-term" disabled={keys.length === 0}>
            {keys.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
        </label>
        <button type="button" onClick={onClose}>
          Clear comparison
        </button>
      </div>
      <ErrorAlert error={curveA.error} context={`loss curve of ${a.id}`} />
      <ErrorAlert error={curveB.error} context={`loss curve of ${b.id}`} />
      {rowsA && rowsB && steps.length === 0 ? <p className="muted">Neither run has logged losses yet.</p> : null}
      {rowsA && rowsB && steps.length > 0 ? <CurveChart steps={steps} series={series} log={log} testId="compare-chart" label={`${key} loss versus step for two runs`} /> : null}
    </section>
  )
}
