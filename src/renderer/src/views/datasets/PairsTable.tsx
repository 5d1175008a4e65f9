import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useRef } from 'react'
import type { PairItem } from '../../../../shared/ipc/channels/datasets'
import { useClient } from '../../client'
import { usePaged } from '../../client/use-paged'
import { ErrorAlert } from '../../shell/ErrorAlert'
import type { PairFilters } from '../image/filter-params'


/** SPair's flag levels, as datasets.pairs accepts them. */
export const FLAG_FILTERS = [
  { key: 'mirror', label: 'mirror', max: 1 },
  { key: 'viewpointVariation', label: 'viewpoint', max: 2 },
  { key: 'scaleVariation', label: 'scale', max: 2 },
  { key: 'truncation', label: 'truncation', max: 3 },
  { key: 'occlusion', label: 'occlusion', max: 3 },
] as const

const ROW_H = 28
const COLUMNS = ['split', 'pair', 'category', 'source', 'target', 'kps', 'mirror', 'viewpoint', 'scale', 'trunc.', 'occl.']

export function PairsTable({
  dataset,
  version,
  filters,
  onOpen,
}: {
  dataset: string
  /** The data set's content hash: a re-import with changes starts the list over. */
  version: string
  filters: PairFilters
  onOpen: (p: PairItem) => void
}): React.JSX.Element {
  const client = useClient()
  const fetchPage = useCallback(
    (offset: number, limit: number) => client.call('datasets.pairs', { name: dataset, ...filters, offset, limit }),
    [client, dataset, filters],
  )
  const list = usePaged<PairItem>(JSON.stringify([dataset, version, filters]), fetchPage, 200)
  const scrollRef = useRef<HTMLDivElement>(null)
  const total = list.total ?? 0
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser's own state drives re-renders; nothing here is memoised by the compiler
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 10 })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items.at(-1)?.index ?? -1
  const { ensure } = list
  // Render-time fetch requests would be a side effect; the effect asks once per visible range.
  useVirtualRange(ensure, first, last)

  return (
    <div>
      <ErrorAlert error={list.error} context="pairs" />
      <p className="muted" data-testid="pairs-count">
        {list.total === null ? 'Loading…' : `${list.total} pair${list.total === 1 ? '' : 's'}`}
      </p>
      <div role="table" aria-label="Pairs" aria-rowcount={total + 1} className="vtable">
        <div role="row" className="vrow vhead">
          {COLUMNS.map((c) => (
            <span role="columnheader" key={c}>
              {c}
            </span>
          ))}
        </div>
        <div ref={scrollRef} className="vtable-scroll" data-testid="pairs-scroll">
          <div className="grid-canvas" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((row) => {
              const p = list.item(row.index)
              return (
                <div
                  role="row"
                  key={row.key}
                  aria-rowindex={row.index + 2}
                  className="vrow vrow-click"
                  style={{ transform: `translateY(${row.start}px)`, height: ROW_H }}
                  data-testid="pair-row"
                  tabIndex={p ? 0 : -1}
                  onClick={() => p && onOpen(p)}
                  onKeyDown={(e) => e.key === 'Enter' && p && onOpen(p)}
                >
                  {p ? <PairCells p={p} /> : <span role="cell" className="muted">…</span>}
                </div>
              )
            })}
          </div>
        </div>
      </div>
    </div>
  )
}

function PairCells({ p }: { p: PairItem }): React.JSX.Element {
  const flag = (v: number | null): string => (v === null ? '–' : String(v))
  return (
    <>
      <span role="cell">{p.split}</span>
      <span role="cell" title={p.name}>
        {p.pairId}
        {p.excluded ? (
          <span className="badge muted" data-testid="pair-excluded" title="curation excluded this pair or one of its images: evaluation skips it">
            {' '}
            excluded
          </span>
        ) : null}
      </span>
      <span role="cell">{p.category}</span>
      <span role="cell">{p.srcStem}</span>
      <span role="cell">{p.trgStem}</span>
      <span role="cell">{p.kpsIds.length}</span>
      <span role="cell">{flag(p.flags.mirror)}</span>
      <span role="cell">{flag(p.flags.viewpointVariation)}</span>
      <span role="cell">{flag(p.flags.scaleVariation)}</span>
      <span role="cell">{flag(p.flags.truncation)}</span>
      <span role="cell">{flag(p.flags.occlusion)}</span>
    </>
  )
}

function useVirtualRange(ensure: (a: number, b: number) => void, first: number, last: number): void {
  useEffect(() => {
    if (last >= 0) ensure(first, last)
  }, [ensure, first, last])
}
