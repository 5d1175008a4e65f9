import { formatGain, gainOf } from '../../../../shared/eval/gain'
import type { Measure } from '../../../../shared/eval/report-columns'
import type { PckReport } from '../../../../shared/eval/pck-types'
import { alphaKeyIn } from './report-selection'
import { isHybridMethod } from '../../../../shared/eval/hybrid-kinds'

const threeD = (method: string): boolean => isHybridMethod(method) || method.startsWith('mesh:')

/**
 * Issue 23's question asked of the shown reports: per category, each 3-D method's PCK minus the
 * shown 2-D matcher's, with a verdict (one report is one seed: the sign decides; `semagic
 * bench` gives the spread over seeds). Nothing is drawn unless both kinds are shown.
 */
export function GainOverNn({ reports, alpha, measure }: { reports: readonly PckReport[]; alpha: string; measure: Measure }): React.JSX.Element | null {
  const nn = reports.find((r) => r.method.startsWith('nn-'))
  const models = reports.filter((r) => threeD(r.method))
  if (!nn || models.length === 0) return null
  const value = (r: PckReport, category: string): number | undefined => {
    const k = alphaKeyIn(r, alpha)
    return k === undefined ? undefined : r.categories[category]?.[k]?.[measure]
  }
  const rows = models.flatMap((m) =>
    Object.keys(m.categories)
      .sort()
      .map((category) => {
        const mine = value(m, category)
        const ref = value(nn, category)
        return { key: `${m.method}/${category}`, method: m.method, category, gain: mine === undefined || ref === undefined ? null : gainOf({ mean: mine, std: 0 }, { mean: ref, std: 0 }) }
      }),
  )
  return (
    <div data-testid="gain-over-nn">
      <h3>Does the 3-D model help?</h3>
      <table className="table table-compact">
        <caption className="muted small">
          PCK@{alpha} {measure === 'perImage' ? 'per image' : 'per point'} minus {nn.method}'s, in points: one report per run, so the sign decides; the spread over seeds is in
          <code> semagic bench</code>.
        </caption>
        <thead>
          <tr>
            <th>method</th>
            <th>category</th>
            <th>minus {nn.method}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className={r.gain ? `gain-${r.gain.verdict === 'no clear difference' ? 'unclear' : r.gain.verdict}` : undefined}>
              <td>{r.method}</td>
              <td>{r.category}</td>
              <td>{r.gain ? formatGain(r.gain) : `not scored by ${nn.method}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
