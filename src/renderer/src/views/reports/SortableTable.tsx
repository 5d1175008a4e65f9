import { useState } from 'react'

export interface Column {
  key: string
  label: string
  numeric?: boolean
}

export interface Row {
  key: string
  label: string
  /** Same order as the columns after the first; null = not scored. */
  values: (number | null)[]
  titles?: (string | undefined)[]
}

type Sort = { col: number; dir: 1 | -1 } | null

/**
 * A table whose headers sort it (ascending, then descending, then as given). Missing values sort
 * last either way, because "not scored" is not "scored 0".
 */
export function SortableTable({
  label,
  first,
  columns,
  rows,
  format,
  testIdPrefix,
  caption,
}: {
  caption?: string
  label: string
  first: string
  columns: readonly Column[]
  rows: readonly Row[]
  format: (v: number | null) => string
  testIdPrefix?: string
}): React.JSX.Element {
  const [sort, setSort] = useState<Sort>(null)
  const sorted = [...rows]
  if (sort) {
    sorted.sort((a, b) => {
      if (sort.col < 0) return a.label.localeCompare(b.label) * sort.dir
      const x = a.values[sort.col] ?? null
      const y = b.values[sort.col] ?? null
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1
      return (x - y) * sort.dir
    })
  }
  const click = (col: number): void =>
    setSort((s) => (s?.col !== col ? { col, dir: col < 0 ? 1 : -1 } : s.dir === (col < 0 ? 1 : -1) ? { col, dir: s.dir === 1 ? -1 : 1 } : null))
  const ariaSort = (col: number): 'ascending' | 'descending' | undefined =>
    sort?.col === col ? (sort.dir === 1 ? 'ascending' : 'descending') : undefined
  const arrow = (col: number): string => (sort?.col === col ? (sort.dir === 1 ? ' ▲' : ' ▼') : '')
  return (
    <table className="table table-hover sortable" aria-label={label}>
      {caption ? <caption>{caption}</caption> : null}
      <thead>
        <tr>
          <th aria-sort={ariaSort(-1)}>
            <button type="button" className="link" onClick={() => click(-1)}>
              {first}
              {arrow(-1)}
            </button>
          </th>
          {columns.map((c, i) => (
            <th key={c.key} aria-sort={ariaSort(i)} className={c.numeric === false ? '' : 'num'}>
              <button type="button" className="link" onClick={() => click(i)}>
                {c.label}
                {arrow(i)}
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {sorted.map((r) => (
          <tr key={r.key} data-testid={testIdPrefix ? `${testIdPrefix}${r.label}` : undefined}>
            <th scope="row">{r.label}</th>
            {r.values.map((v, i) => (
              <td key={i} className="num" title={r.titles?.[i]}>
                {format(v)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
