import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { PairSort } from '../../../../shared/ipc/channels/eval'
import type { Split } from '../../../../shared/ipc/channels/datasets'
import { useClient } from '../../client'
import { usePaged } from '../../client/use-paged'
import type { Page } from '../../client/use-paged'
import { pct } from '../../lib/format'
import { ErrorAlert } from '../../shell/ErrorAlert'

export interface PickedPair {
  name: string
  category: string
  srcStem: string
  trgStem: string
}

/** One line of the list: a pair, with its error where a method ranks the list. */
interface Row extends PickedPair {
  pairId: number
  kps: number
  score: { pck: number; meanNormError: number | null; missing: number } | null
}

interface Props {
  dataset: string
  split: Split
  /** The evaluated method whose per-pair errors order the list; null = the data set's order. */
  rank: string | null
  alpha: number
  sort: PairSort
  desc: boolean
  selected: string | null
  onSelect(pair: PickedPair): void
  onSort(sort: PairSort, desc: boolean): void
  /** The list's first row once it is known, while nothing is selected: the worst case opens by itself. */
  onFirst?(pair: PickedPair): void
}

const ROW_H = 28
const PAGE_SIZE = 200

/** What eval.pairs says of the whole ranking, beside its pages. */
interface Ranking {
  key: string
  perImage: number | null
  stale: boolean
}

/**
 * The pairs of a split as one scrolling list, only the visible rows rendered and their pages
 * read as they come into view (SPair has thousands of pairs per split). With an evaluated method
 * it reads eval.pairs: PCK at alpha and mean normalised error per pair, sortable, worst first by
 * default; without one, the data set's own order.
 */
export function PairList(props: Props): React.JSX.Element {
  const { dataset, split, rank, alpha, sort, desc, selected, onFirst } = props
  const client = useClient()
  const key = JSON.stringify([dataset, split, rank, alpha, sort, desc])
  const [ranking, setRanking] = useState<Ranking | null>(null)
  const fetchPage = useCallback(
    async (offset: number, limit: number): Promise<Page<Row>> => {
      if (!rank) {
        const r = await client.call('datasets.pairs', { name: dataset, split, offset, limit })
        return { total: r.total, items: r.items.map((p) => ({ ...p, kps: p.kpsIds.length, score: null })) }
      }
      const r = await client.call('eval.pairs', { dataset, split, method: rank, alpha, sort, descending: desc, offset, limit })
      setRanking({ key, perImage: r.perImage, stale: r.stale })
      return { total: r.total, items: r.items.map((p) => ({ ...p, kps: p.kpsIds.length, score: { pck: p.pck, meanNormError: p.meanNormError, missing: p.missing } })) }
    },
    [client, dataset, split, rank, alpha, sort, desc, key],
  )
  const list = usePaged<Row>(key, fetchPage, PAGE_SIZE)
  const scrollRef = useRef<HTMLDivElement>(null)
  const total = list.total ?? 0
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser's own state drives re-renders; nothing here is memoised by the compiler
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 10 })
  const items = virtualizer.getVirtualItems()
  const firstShown = items[0]?.index ?? 0
  const lastShown = items.at(-1)?.index ?? -1
  const { ensure } = list
  useEffect(() => {
    if (lastShown >= 0) ensure(firstShown, lastShown)
  }, [ensure, firstShown, lastShown])
  // Another order starts at the top, where its worst pair is.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 })
  }, [key])

  const first = list.item(0)
  useEffect(() => {
    if (selected === null && first && onFirst) onFirst(first)
  }, [selected, first, onFirst])

  const header = (by: PairSort, label: string, firstDesc: boolean): React.JSX.Element => {
    const active = sort === by
    return (
      <span role="columnheader" aria-sort={active ? (desc ? 'descending' : 'ascending') : undefined} className={by === 'pair' ? '' : 'num'}>
        <button type="button" className="link" onClick={() => props.onSort(by, active ? !desc : firstDesc)} title={`sort by ${label}`}>
          {label}
          {active ? (desc ? ' ▼' : ' ▲') : ''}
        </button>
      </span>
    )
  }
  const shownRanking = ranking && ranking.key === key ? ranking : null

  return (
    <section className="panel transfer-pairs" aria-label="Pair list">
      <ErrorAlert error={list.error} context={rank ? `per-pair results of ${rank}` : 'pairs'} />
      {rank && shownRanking && list.total !== null ? (
        <p className="muted" data-testid="pair-list-summary">
          {list.total} pairs scored by {rank}; PCK@{alpha} per image {pct(shownRanking.perImage)}
          {shownRanking.stale ? ' (predicted before the latest curation)' : ''}
        </p>
      ) : null}
      {!rank ? <p className="muted">Evaluate a method on this split (Reports) to sort the pairs by error.</p> : null}
      <div role="table" aria-label="Pairs" aria-rowcount={total + 1} aria-busy={list.total === null} className="vtable pair-list">
        <div role="row" className="vrow vhead">
          {rank ? header('pair', 'pair', false) : <span role="columnheader">pair</span>}
          {rank ? header('pck', `PCK@${alpha}`, false) : <span role="columnheader" className="num">kps</span>}
          {rank ? header('error', 'error', true) : null}
        </div>
        <div ref={scrollRef} className="vtable-scroll" data-testid="pair-list-scroll">
          <div className="grid-canvas" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((v) => {
              const p = list.item(v.index)
              return (
                <div
                  role="row"
                  key={v.key}
                  aria-rowindex={v.index + 2}
                  aria-selected={p ? p.name === selected : undefined}
                  className="vrow vrow-click"
                  style={{ transform: `translateY(${v.start}px)`, height: ROW_H }}
                  data-testid={p ? `pair-row-${p.name}` : 'pair-loading'}
                  data-index={v.index}
                  data-pck={p?.score?.pck}
                  data-error={p?.score ? (p.score.meanNormError ?? 'missing') : undefined}
                  tabIndex={p ? 0 : -1}
                  onClick={() => p && props.onSelect(p)}
                  onKeyDown={(e) => e.key === 'Enter' && p && props.onSelect(p)}
                >
                  {p ? <PairCells p={p} /> : <span role="cell" className="muted">…</span>}
                </div>
              )
            })}
          </div>
        </div>
      </div>
      <p className="muted" data-testid="pair-count">
        {list.total === null ? 'loading…' : list.total === 0 ? 'no pairs' : `${list.total} pair${list.total === 1 ? '' : 's'}`}
      </p>
    </section>
  )
}

function PairCells({ p }: { p: Row }): React.JSX.Element {
  return (
    <>
      <span role="cell" title={p.name}>
        {p.category} {p.pairId}
      </span>
      {p.score ? (
        <>
          <span role="cell" className="num">
            {pct(p.score.pck)}
          </span>
          <span role="cell" className="num" title="mean distance to the ground truth / max side of the target box">
            {p.score.meanNormError === null ? `${p.score.missing} missing` : p.score.meanNormError.toFixed(3)}
          </span>
        </>
      ) : (
        <span role="cell" className="num">
          {p.kps}
        </span>
      )}
    </>
  )
}
