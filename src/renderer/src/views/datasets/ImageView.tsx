import { useMemo, useState } from 'react'
import { useQuery } from '../../client/use-query'
import { keypointColour } from '../../lib/palette'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { hrefFor } from '../../shell/route'
import { stageKeypoints } from '../image/curated'
import { paramsOfFilters } from '../image/filter-params'
import { DatasetImageStage } from '../image/DatasetImageStage'
import type { Layers } from '../image/ImageStage'
import { layerKey, LayerToggles } from '../image/LayerToggles'
import { useViewKeys } from '../image/use-view-keys'
import { useImageWindow } from '../image/use-image-window'
import type { ImageFilters } from '../image/use-image-window'

/** Read-only look at one image as curated: what the annotator and the exports will see. */
export function ImageView({
  dataset,
  filters,
  index,
  onIndex,
  onClose,
}: {
  dataset: string
  filters: ImageFilters
  index: number
  onIndex: (i: number) => void
  onClose: () => void
}): React.JSX.Element {
  const win = useImageWindow(dataset, filters, index)
  const item = win.current
  const curated = useQuery('curation.image', item ? { name: dataset, category: item.category, stem: item.stem } : null)
  const [layers, setLayers] = useState<Layers>({ mask: true, bbox: true, keypoints: true })
  const keypoints = useMemo(() => (curated.data ? stageKeypoints(curated.data) : []), [curated.data])

  useViewKeys((e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return false
    const k = e.key.toLowerCase()
    if ((k === 'j' || k === 'arrowright') && win.next) onIndex(index + 1)
    else if ((k === 'k' || k === 'arrowleft') && win.prev) onIndex(index - 1)
    else if (k === 'escape') onClose()
    else {
      const next = layerKey(k, layers)
      if (!next) return false
      setLayers(next)
    }
    return true
  })

  return (
    <section aria-label="Image view" className="image-view">
      <div className="toolbar">
        <button type="button" onClick={onClose} title="Back to the grid (Esc)">
          ← Grid
        </button>
        <button type="button" onClick={() => onIndex(index - 1)} disabled={!win.prev} title="Previous (K or ←)">
          Previous
        </button>
        <button type="button" onClick={() => onIndex(index + 1)} disabled={!win.next} title="Next (J or →)">
          Next
        </button>
        <span className="muted">
          {index + 1} / {win.total ?? '…'}
        </span>
        <strong data-testid="image-title">{item ? `${item.category}/${item.stem}` : ''}</strong>
        <LayerToggles layers={layers} onChange={setLayers} hasMask={item?.maskFile != null} />
        <a className="button" href={hrefFor('annotate', { ds: dataset, ...paramsOfFilters(filters), i: index })}>
          Annotate
        </a>
      </div>
      <ErrorAlert error={win.error} context="images" />
      <ErrorAlert error={curated.error} context="image" />
      {!win.loading && !item && !win.error ? <p className="muted">No image at position {index + 1}.</p> : null}
      {item ? (
        <div className="split-view">
          <DatasetImageStage
            key={item.file}
            dataset={dataset}
            image={item}
            keypoints={keypoints}
            bbox={curated.data?.bbox ?? null}
            layers={layers}
            selected={null}
            label={`${item.category} ${item.stem}`}
          />
          <aside className="side">
            <dl className="facts">
              <div>
                <dt>size</dt>
                <dd>
                  {item.width}×{item.height}
                </dd>
              </div>
              <div>
                <dt>splits</dt>
                <dd>{item.splits.join(', ') || '–'}</dd>
              </div>
              <div>
                <dt>pose</dt>
                <dd>{item.pose ?? '–'}</dd>
              </div>
              <div>
                <dt>truncated / occluded / difficult</dt>
                <dd>
                  {item.truncated ?? '–'} / {item.occluded ?? '–'} / {item.difficult ?? '–'}
                </dd>
              </div>
              <div>
                <dt>box</dt>
                <dd>{curated.data?.bbox?.join(', ') ?? '–'}</dd>
              </div>
              <div>
                <dt>excluded</dt>
                <dd>{curated.data ? (curated.data.excluded ? 'yes' : 'no') : '…'}</dd>
              </div>
              <div>
                <dt>tags</dt>
                <dd>{curated.data?.tags.join(', ') || '–'}</dd>
              </div>
            </dl>
            {curated.data?.note ? <p className="note">{curated.data.note}</p> : null}
            <table className="table table-compact" aria-label="Keypoints">
              <thead>
                <tr>
                  <th>id</th>
                  <th className="num">x</th>
                  <th className="num">y</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {keypoints.map((k, id) =>
                  k ? (
                    <tr key={id}>
                      <td>
                        <span className="swatch" style={{ background: keypointColour(id) }} /> {id}
                      </td>
                      <td className="num">{k.x.toFixed(1)}</td>
                      <td className="num">{k.y.toFixed(1)}</td>
                      <td className="muted">
                        {k.visible ? '' : 'invisible '}
                        {k.edited ? 'edited' : ''}
                      </td>
                    </tr>
                  ) : null,
                )}
              </tbody>
            </table>
          </aside>
        </div>
      ) : null}
    </section>
  )
}
