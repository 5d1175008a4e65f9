import { useEffect } from 'react'
import type { PairSort } from '../../../../shared/ipc/channels/eval'
import type { Split } from '../../../../shared/ipc/channels/datasets'
import { useQuery } from '../../client/use-query'
import { pct } from '../../lib/format'
import { ErrorAlert } from '../../shell/ErrorAlert'

export const PAGE = 25

export interface PickedPair {
  name: string
  category: string
  srcStem: string
  trgStem: string
}

interface Props {
  dataset: string
  split: Split
  /** The evaluated method whose per-pair errors order the list; null = the data set's order. */
  rank: string | null
  alpha: number
  sort: PairSort
  desc: boolean
  offset: number
  selected: string | null
  onSelect(pair: PickedPair): void
  onSort(sort: PairSort, desc: boolean): void
  onPage(offset: number): void
  /** The list's first row once it is known, while nothing is selected: the worst case opens by itself. */
  onFirst?(pair: PickedPair): void
}

/**
 * The pairs of a split, one page at a time. With an evaluated method it reads eval.pairs: PCK at
 * alpha and mean normalised error per pair, sortable, worst first by default; without one,
 * the data set's own order.
 */
export function PairList(props: Props): React.JSX.Element {
  const { dataset, split, rank, alpha, sort, desc, offset } = props
  const ranked = useQuery('eval.pairs', rank ? { dataset, split, method: rank, alpha, sort, descending: desc, offset, limit: PAGE } : null)
  const plain = useQuery('datasets.pairs', rank ? null : { name: dataset, split, offset, limit: PAGE })
  const total = rank ? ranked.data?.total : plain.data?.total
  const loading = rank ? ranked.loading : plain.loading
  const first = rank ? ranked.data?.items[0] : plain.data?.items[0]
  const { selected, onFirst } = props
  useEffect(() => {
    if (selected === null && first && onFirst) onFirst(first)
  }, [selected, first, onFirst])

  const header = (key: PairSort, label: string, firstDesc: boolean): React.JSX.Element => {
    const active = sort === key
    const next = active ? !desc : firstDesc
    return (
      <th aria-sort={active ? (desc ? 'descending' : 'ascending') : undefined} className={key === 'pair' ? '' : 'num'}>
        <button type="button" className="link" onClick={() => props.onSort(key, next)} title={`sort by ${label}`}>
          {label}
          {active ? (desc ? ' ▼' : ' ▲') : ''}
        </button>
      </th>
    )
  }

  return (
    <section className="panel transfer-pairs" aria-label="Pair list">
      <ErrorAlert error={ranked.error} context={`per-pair results of ${rank ?? ''}`} />
      <ErrorAlert error={plain.error} context="pairs" />
      {rank && ranked.data ? (
        <p className="muted" data-testid="pair-list-summary">
          {ranked.data.total} pairs scored by {rank}; PCK@{alpha} per image {pct(ranked.data.perImage)}
          {ranked.data.stale ? ' (predicted before the latest curation)' : ''}
        </p>
      ) : null}
      {!rank ? <p className="muted">Evaluate a method on this split (Reports) to sort the pairs by error.</p> : null}
      <table className="table table-hover" aria-label="Pairs" aria-busy={loading}>
        <thead>
          <tr>
            {rank ? header('pair', 'pair', false) : <th>pair</th>}
            {rank ? header('pck', `PCK@${alpha}`, false) : <th className="num">kps</th>}
            {rank ? header('error', 'error', true) : null}
          </tr>
        </thead>
        <tbody>
          {rank
            ? ranked.data?.items.map((p) => (
                <tr
                  key={p.name}
                  className="vrow-click"
                  aria-selected={p.name === props.selected}
                  data-testid={`pair-row-${p.name}`}
                  data-pck={p.pck}
                  data-error={p.meanNormError ?? 'missing'}
                  onClick={() => props.onSelect(p)}
                >
                  <td>
                    <button type="button" className="link" title={p.name}>
                      {p.category} {p.pairId}
                    </button>
                  </td>
                  <td className="num">{pct(p.pck)}</td>
                  <td className="num" title="mean distance to the ground truth / max side of the target box">
                    {p.meanNormError === null ? `${p.missing} missing` : p.meanNormError.toFixed(3)}
                  </td>
                </tr>
              ))
            : plain.data?.items.map((p) => (
                <tr
                  key={p.name}
                  className="vrow-click"
                  aria-selected={p.name === props.selected}
                  data-testid={`pair-row-${p.name}`}
                  onClick={() => props.onSelect(p)}
                >
                  <td>
                    <button type="button" className="link" title={p.name}>
                      {p.category} {p.pairId}
                    </button>
                  </td>
                  <td className="num">{p.kpsIds.length}</td>
                </tr>
              ))}
        </tbody>
      </table>
      <div className="row">
        <button type="button" disabled={offset === 0} onClick={() => props.onPage(Math.max(0, offset - PAGE))}>
          ‹ Previous
        </button>
        <span className="muted" data-testid="pair-page">
          {total === undefined ? (loading ? 'loading…' : '') : total === 0 ? 'no pairs' : `${offset + 1}–${Math.min(total, offset + PAGE)} of ${total}`}
        </span>
        <button type="button" disabled={total === undefined || offset + PAGE >= total} onClick={() => props.onPage(offset + PAGE)}>
          Next ›
        </button>
      </div>
    </section>
  )
}
