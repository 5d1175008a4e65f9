// @tanstack/react-virtual: headless (no markup or CSS of its own, so nothing fights the CSP),
// ~5 kB gzipped, and it handles variable row counts as the width changes; it renders only the
// rows in view, which is what keeps 2,000+ thumbnails smooth.
import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { ImageItem } from '../../../../shared/ipc/channels/datasets'
import { useClient } from '../../client'
import { usePaged } from '../../client/use-paged'
import { mediaUrl } from '../../lib/media'
import { ErrorAlert } from '../../shell/ErrorAlert'
import type { ImageFilters } from '../image/use-image-window'

const CELL_W = 148
const CELL_H = 168
const GAP = 8
/** Rows drawn beyond the visible ones: enough to hide fetching on a flick, few enough to stay light. */
const OVERSCAN = 2

export function ImageGrid({
  dataset,
  version,
  filters,
  onOpen,
}: {
  dataset: string
  /** The data set's content hash: a re-import with changes starts the list over. */
  version: string
  filters: ImageFilters
  onOpen: (index: number) => void
}): React.JSX.Element {
  const client = useClient()
  const key = JSON.stringify([dataset, version, filters])
  const fetchPage = useCallback(
    (offset: number, limit: number) => client.call('datasets.images', { name: dataset, ...filters, offset, limit }),
    [client, dataset, filters],
  )
  const list = usePaged<ImageItem>(key, fetchPage)
  const scrollRef = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(0)
  useEffect(() => {
    const el = scrollRef.current
    if (!el) return
    const ro = new ResizeObserver(([entry]) => entry && setWidth(entry.contentRect.width))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  const cols = Math.max(1, Math.floor((width - GAP) / (CELL_W + GAP)))
  const total = list.total ?? 0
  const rows = Math.ceil(total / cols)
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser's own state drives re-renders; nothing here is memoised by the compiler
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CELL_H + GAP,
    overscan: OVERSCAN,
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items.at(-1)?.index ?? -1
  const { ensure } = list
  useEffect(() => {
    if (last >= 0) ensure(first * cols, Math.min(total, (last + 1) * cols) - 1)
  }, [ensure, first, last, cols, total])

  return (
    <div>
      <ErrorAlert error={list.error} context="images" />
      <p className="muted" data-testid="grid-count">
        {list.total === null ? 'Loading…' : `${list.total} image${list.total === 1 ? '' : 's'}`}
      </p>
      <div ref={scrollRef} className="grid-scroll" data-testid="image-grid" tabIndex={0} aria-label="Images">
        <div className="grid-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((row) => (
            <div key={row.key} className="grid-row" style={{ transform: `translateY(${row.start}px)`, height: CELL_H }}>
              {Array.from({ length: cols }, (_, c) => {
                const index = row.index * cols + c
                if (index >= total) return null
                const item = list.item(index)
                return <Thumb key={c} dataset={dataset} item={item} index={index} onOpen={onOpen} />
              })}
            </div>
          ))}
        </div>
      </div>
    </div>
  )
}

/**
 * How long a thumbnail must stay mounted before it asks for its image. A flick through 2,000
 * images mounts and drops thousands of cells; without the delay each one queues a request the
 * browser will not cancel, and the thumbnails where the user stops load last.
 */
const SETTLE_MS = 90

function Thumb({
  dataset,
  item,
  index,
  onOpen,
}: {
  dataset: string
  item: ImageItem | undefined
  index: number
  onOpen: (index: number) => void
}): React.JSX.Element {
  const [settled, setSettled] = useState(false)
  useEffect(() => {
    const t = setTimeout(() => setSettled(true), SETTLE_MS)
    return () => clearTimeout(t)
  }, [])
  if (!item) return <div className="thumb thumb-loading" aria-hidden="true" />
  return (
    <button
      type="button"
      className="thumb"
      onClick={() => onOpen(index)}
      title={`${item.category}/${item.stem}: ${item.width}×${item.height}, ${item.keypointCount} keypoints${item.splits.length ? `, ${item.splits.join(' ')}` : ''}`}
      data-testid="thumb"
    >
      {settled ? (
        <img src={mediaUrl(dataset, item.file)} alt={`${item.category} ${item.stem}`} decoding="async" draggable={false} />
      ) : (
        <span className="thumb-img-wait" />
      )}
      <span className="thumb-caption">
        <span>{item.stem}</span>
        <span className="muted">{item.keypointCount} kp</span>
      </span>
    </button>
  )
}
