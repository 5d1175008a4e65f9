import { useMemo } from 'react'
import { methodColour } from '../../lib/palette'
import { CurveChart } from './CurveChart'
import type { CurveSeries } from './CurveChart'
import { lossKeys, plotValue } from './curves'
import type { CurveRow } from './curves'

/** One run's loss against step, one series per loss key. */
export function LossChart({ rows, log }: { rows: readonly CurveRow[]; log: boolean }): React.JSX.Element {
  const steps = useMemo(() => rows.map((r) => r.step), [rows])
  const series = useMemo(
    (): CurveSeries[] =>
      lossKeys(rows).map((k, i) => ({
        label: k,
        colour: methodColour(i),
        width: k === 'total' ? 2 : 1.5,
        values: rows.map((r) => plotValue(r.losses[k], log)),
      })),
    [rows, log],
  )
  return <CurveChart steps={steps} series={series} log={log} testId="loss-chart" label="Loss versus step" />
}
