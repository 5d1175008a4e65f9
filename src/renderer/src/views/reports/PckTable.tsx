import { reportTable } from '../../../../shared/eval/report-columns'
import type { Measure } from '../../../../shared/eval/report-columns'
import type { PckReport } from '../../../../shared/eval/pck-types'
import { pct } from '../../lib/format'
import { SortableTable } from './SortableTable'

/** Methods x categories at one alpha and measure: the same numbers the CSV and Markdown exports hold. */
export function PckTable({ reports, alpha, measure }: { reports: readonly PckReport[]; alpha: string; measure: Measure }): React.JSX.Element {
  const t = reportTable(reports, { alpha, measure })
  const columns = [...t.categories.map((c) => ({ key: `c:${c}`, label: c })), { key: 'mean', label: 'mean' }, { key: 'all', label: 'all' }]
  const rows = t.rows.map((r, i) => ({
    key: `${i}:${r.method}`,
    label: r.method,
    values: [...r.values, r.mean, r.all],
    titles: [
      ...t.categories.map((c) => {
        const cell = reports[i]?.categories[c]
        const k = cell ? Object.keys(cell).find((a) => Number(a) === Number(alpha)) : undefined
        const v = k && cell ? cell[k] : undefined
        return v ? `${v.pairs} pairs, ${v.points} points` : undefined
      }),
      'unweighted mean of the categories',
      measure === 'perImage' ? 'over all pairs' : 'over all points',
    ],
  }))
  return (
    <SortableTable
      caption={`PCK@${t.alpha}, ${measure === 'perImage' ? 'per image' : 'per point'}, % (click a header to sort)`}
      label={`PCK@${t.alpha} ${measure === 'perImage' ? 'per image' : 'per point'} (%)`}
      first="method"
      columns={columns}
      rows={rows}
      format={pct}
      testIdPrefix="pck-row-"
    />
  )
}
