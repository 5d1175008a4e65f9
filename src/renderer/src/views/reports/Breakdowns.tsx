import { useState } from 'react'
import type { Measure } from '../../../../shared/eval/report-columns'
import { FLAG_NAMES } from '../../../../shared/eval/pck-types'
import type { PckReport } from '../../../../shared/eval/pck-types'
import { pct } from '../../lib/format'
import { alphaKeyIn } from './report-selection'
import { SortableTable } from './SortableTable'

const numeric = (a: string, b: string): number => Number(a) - Number(b)
const methodColumns = (reports: readonly PckReport[]) => reports.map((r, i) => ({ key: `${i}:${r.method}`, label: r.method }))

/** SPair's difficulty flags, one table per flag: how PCK falls as viewpoint, scale, truncation and occlusion grow. */
export function FlagBreakdown({ reports, alpha, measure }: { reports: readonly PckReport[]; alpha: string; measure: Measure }): React.JSX.Element {
  return (
    <div className="breakdowns">
      {FLAG_NAMES.map((flag) => {
        const levels = [...new Set(reports.flatMap((r) => Object.keys(r.flags[flag] ?? {})))].sort(numeric)
        const rows = levels.map((level) => {
          const cells = reports.map((r) => {
            const k = alphaKeyIn(r, alpha)
            return k === undefined ? undefined : r.flags[flag]?.[level]?.[k]
          })
          return {
            key: level,
            label: `level ${level}`,
            values: cells.map((c) => (c && c.pairs > 0 ? c[measure] : null)),
            titles: cells.map((c) => (c ? `${c.pairs} pairs` : undefined)),
          }
        })
        return (
          <div key={flag}>
            <h4>{flag.replace(/_/g, ' ')}</h4>
            {levels.length === 0 ? (
              <p className="muted small">No pair carried this flag.</p>
            ) : (
              <SortableTable label={`PCK by ${flag}`} first="level" columns={methodColumns(reports)} rows={rows} format={pct} />
            )}
          </div>
        )
      })}
    </div>
  )
}

/** Per keypoint id within one category (ids mean different parts in different categories). */
export function KeypointBreakdown({ reports, alpha }: { reports: readonly PckReport[]; alpha: string }): React.JSX.Element {
  const categories = [...new Set(reports.flatMap((r) => Object.keys(r.keypoints)))].sort()
  const [picked, setPicked] = useState<string | null>(null)
  const category = picked !== null && categories.includes(picked) ? picked : (categories[0] ?? null)
  if (category === null) return <p className="muted small">These reports have no per-keypoint numbers.</p>
  const ids = [...new Set(reports.flatMap((r) => Object.keys(r.keypoints[category] ?? {})))].sort(numeric)
  const rows = ids.map((id) => {
    const cells = reports.map((r) => {
      const k = alphaKeyIn(r, alpha)
      return k === undefined ? undefined : r.keypoints[category]?.[id]?.[k]
    })
    return {
      key: id,
      label: `#${id}`,
      values: cells.map((c) => (c && c.points > 0 ? c.perPoint : null)),
      titles: cells.map((c) => (c ? `${c.points} points` : undefined)),
    }
  })
  return (
    <div>
      <label className="field">
        Category
        <select value={category} onChange={(e) => setPicked(e.target.value)}>
          {categories.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <SortableTable label={`PCK per point by keypoint id (${category})`} first="keypoint" columns={methodColumns(reports)} rows={rows} format={pct} />
    </div>
  )
}
