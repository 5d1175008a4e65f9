import { useMemo, useState } from 'react'
import type { PairItem, Point } from '../../../../shared/ipc/channels/datasets'
import { useClient } from '../../client'
import { useQuery } from '../../client/use-query'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { UndoBar } from '../image/UndoBar'
import { useUndoKeys } from '../image/use-undo-keys'
import { DatasetImageStage } from '../image/DatasetImageStage'
import type { Layers, StageKeypoint } from '../image/ImageStage'
import { LayerToggles } from '../image/LayerToggles'

/** The pair's own keypoint rows (kpsIds[i] -> points[i]) as the stage's 30 slots. */
function slots(ids: readonly number[], points: readonly Point[]): (StageKeypoint | null)[] {
  const out: (StageKeypoint | null)[] = Array.from({ length: 30 }, () => null)
  ids.forEach((id, i) => {
    const p = points[i]
    if (p && id >= 0 && id < 30) out[id] = { x: p[0], y: p[1], visible: true, edited: false }
  })
  return out
}

/**
 * Source and target side by side with the pair file's keypoints: the same id has the same colour
 * and number on both sides, which is how a correspondence is read. The pair can be excluded from
 * evaluation here, one undoable gesture like the annotator's.
 */
export function PairView({ dataset, pair: opened, onClose }: { dataset: string; pair: PairItem; onClose: () => void }): React.JSX.Element {
  const client = useClient()
  // Read again by name, so that an exclusion made here (or undone) shows at once.
  const fresh = useQuery('datasets.pairs', { name: dataset, split: opened.split, pair: opened.name, limit: 1 })
  const pair = fresh.data?.items[0] ?? opened
  const undoState = useQuery('curation.state', { name: dataset })
  const [actionError, setActionError] = useState<Error | null>(null)
  // One gesture at a time: a double click must not record the same exclusion twice.
  const [pending, setPending] = useState(false)
  const act = (call: () => Promise<unknown>): void => {
    if (pending) return
    setPending(true)
    call()
      .then(
        () => setActionError(null),
        (error: Error) => setActionError(error),
      )
      .finally(() => {
        setPending(false)
        fresh.reload()
        undoState.reload()
      })
  }
  const undo = (): void => act(() => client.call('curation.undo', { name: dataset }))
  const redo = (): void => act(() => client.call('curation.redo', { name: dataset }))
  useUndoKeys(undo, redo)
  const setExcluded = (excluded: boolean): void =>
    act(() => client.call('curation.edit', { name: dataset, edits: [{ op: 'pair.exclude', split: pair.split, name: pair.name, excluded }] }))
  const src = useQuery('datasets.image', { name: dataset, category: pair.category, stem: pair.srcStem })
  const trg = useQuery('datasets.image', { name: dataset, category: pair.category, stem: pair.trgStem })
  const [layers, setLayers] = useState<Layers>({ mask: false, bbox: true, keypoints: true })
  const srcKps = useMemo(() => slots(pair.kpsIds, pair.srcKps), [pair])
  const trgKps = useMemo(() => slots(pair.kpsIds, pair.trgKps), [pair])
  const f = pair.flags
  return (
    <section aria-label="Pair view">
      <div className="toolbar">
        <button type="button" onClick={onClose}>
          ← Pairs
        </button>
        <strong data-testid="pair-title">{pair.name}</strong>
        {pair.excluded ? (
          <span className="badge" data-testid="pair-excluded-badge">
            {pair.pairExcluded ? 'excluded from evaluation' : 'excluded from evaluation through an excluded image'}
          </span>
        ) : null}
        <span className="muted">
          {pair.split} · {pair.kpsIds.length} keypoints · mirror {f.mirror ?? '–'} · viewpoint {f.viewpointVariation ?? '–'} · scale{' '}
          {f.scaleVariation ?? '–'} · truncation {f.truncation ?? '–'} · occlusion {f.occlusion ?? '–'}
        </span>
        <LayerToggles layers={layers} onChange={setLayers} hasMask={src.data?.maskFile != null} />
      </div>
      <div className="toolbar">
        <label className="check">
          <input type="checkbox" checked={pair.pairExcluded} disabled={pending} onChange={(e) => setExcluded(e.target.checked)} />
          Exclude this pair from evaluation
        </label>
        <UndoBar
          state={undoState.data}
          onUndo={undo}
          onRedo={redo}
        />
      </div>
      <ErrorAlert error={actionError} context="edit" onDismiss={() => setActionError(null)} />
      <ErrorAlert error={fresh.error} context={`pair ${pair.name}`} />
      <ErrorAlert error={src.error} context={`source ${pair.srcStem}`} />
      <ErrorAlert error={trg.error} context={`target ${pair.trgStem}`} />
      <div className="pair-view">
        {[
          { title: `source ${pair.srcStem}`, q: src, kps: srcKps, bbox: pair.srcBbox },
          { title: `target ${pair.trgStem}`, q: trg, kps: trgKps, bbox: pair.trgBbox },
        ].map(({ title, q, kps, bbox }) => (
          <div key={title}>
            <h3>{title}</h3>
            {q.data ? (
              <DatasetImageStage
                dataset={dataset}
                image={q.data}
                keypoints={kps}
                bbox={bbox}
                layers={layers}
                selected={null}
                label={title}
              />
            ) : null}
          </div>
        ))}
      </div>
    </section>
  )
}
