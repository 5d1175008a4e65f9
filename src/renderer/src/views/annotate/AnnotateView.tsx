import { useCallback, useEffect, useMemo, useState } from 'react'
import type { EditOp } from '../../../../shared/ipc/channels/curation'
import { useClient } from '../../client'
import { useQuery } from '../../client/use-query'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { intParam, patchParams } from '../../shell/route'
import type { Route } from '../../shell/route'
import { CommonFilters, CurationFilters, Select } from '../datasets/Filters'
import { stageKeypoints } from '../image/curated'
import { filtersFromParams, imageFiltersOf, paramsOfFilters, useSameFilters } from '../image/filter-params'
import { DatasetImageStage } from '../image/DatasetImageStage'
import type { Layers, StageEdits } from '../image/ImageStage'
import { layerKey, LayerToggles } from '../image/LayerToggles'
import { useImageWindow } from '../image/use-image-window'
import { copyKeypointEdits } from './copy-keypoints'
import { HistoryPanel } from './HistoryPanel'
import { ImageCurationPanel } from './ImageCurationPanel'
import { KeypointPanel } from './KeypointPanel'
import { ShortcutsDialog } from './ShortcutsDialog'
import { UndoBar } from '../image/UndoBar'
import { useAnnotateKeys } from './use-annotate-keys'
import { usePinnedImage } from './use-pinned-image'

const HISTORY_PAGE = 50

/** Route parameters: ds, the grid's image filters (category, split, tag, excluded, edited), i (position in that filtered list). */
export function AnnotateView({ route }: { route: Route }): React.JSX.Element {
  const client = useClient()
  const { params } = route
  const list = useQuery('datasets.list', {})
  const ds = params.get('ds')
  useEffect(() => {
    if (!ds && list.data?.[0]) patchParams(route, { ds: list.data[0].name, i: 0 }, { replace: true })
  }, [ds, list.data, route])

  const filters = useSameFilters(imageFiltersOf(filtersFromParams(params)))
  const index = intParam(params, 'i')
  const win = useImageWindow(ds, filters, index)
  const pinned = usePinnedImage(win, JSON.stringify([ds, filters]), index)
  const { shift } = pinned
  useEffect(() => {
    if (shift !== 0) patchParams(route, { i: index + shift }, { replace: true })
  }, [shift, index, route])
  const item = pinned.item
  const imageKey = item ? `${item.category}/${item.stem}` : null

  const curated = useQuery('curation.image', ds && item ? { name: ds, category: item.category, stem: item.stem } : null)
  const previous = useQuery('curation.image', ds && win.prev ? { name: ds, category: win.prev.category, stem: win.prev.stem } : null)
  const undoState = useQuery('curation.state', ds ? { name: ds } : null)
  const [historyLimit, setHistoryLimit] = useState(HISTORY_PAGE)
  const history = useQuery('curation.history', ds ? { name: ds, limit: historyLimit } : null)

  // The selection belongs to the image it was made on: moving to another image clears it.
  const [selection, setSelection] = useState<{ image: string; id: number } | null>(null)
  const selected = selection && selection.image === imageKey ? selection.id : null
  const select = useCallback((id: number | null) => setSelection(id === null || imageKey === null ? null : { image: imageKey, id }), [imageKey])
  const [layers, setLayers] = useState<Layers>({ mask: false, bbox: true, keypoints: true })
  const [help, setHelp] = useState(false)
  const [replaceOnCopy, setReplaceOnCopy] = useState(false)
  const [actionError, setActionError] = useState<Error | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  const image = curated.data
  const keypoints = useMemo(() => (image ? stageKeypoints(image) : []), [image])
  const { reload: reloadImage } = curated
  const { reload: reloadState } = undoState
  const { reload: reloadHistory } = history
  const { reload: reloadWindow } = win
  const refresh = useCallback(() => {
    reloadImage()
    reloadState()
    reloadHistory()
    reloadWindow()
  }, [reloadImage, reloadState, reloadHistory, reloadWindow])

  // Every outcome reloads: a refused edit must also drop the stage's optimistic preview.
  const run = useCallback(
    (p: Promise<string | null>) => {
      p.then(
        (message) => {
          setActionError(null)
          setNotice(message)
        },
        (error: Error) => setActionError(error),
      ).finally(refresh)
    },
    [refresh],
  )
  const edit = useCallback(
    (edits: EditOp[], label?: string) => {
      if (!ds || edits.length === 0) return
      run(client.call('curation.edit', { name: ds, edits, ...(label ? { label } : {}) }).then(() => null))
    },
    [client, ds, run],
  )
  const undo = (): void => {
    if (ds && undoState.data?.canUndo) run(client.call('curation.undo', { name: ds }).then((r) => (r.undone ? `Undone: ${r.undone}` : null)))
  }
  const redo = (): void => {
    if (ds && undoState.data?.canRedo) run(client.call('curation.redo', { name: ds }).then((r) => (r.redone ? `Redone: ${r.redone}` : null)))
  }

  const key = item ? { category: item.category, stem: item.stem } : null
  const itemCategory = item?.category
  const itemStem = item?.stem
  const stageEdits = useMemo<StageEdits | undefined>(() => {
    if (!itemCategory || !itemStem) return undefined
    const k = { category: itemCategory, stem: itemStem }
    return {
      onSelect: select,
      onMoveKeypoint: (kpId, x, y) => edit([{ op: 'keypoint.set', ...k, kpId, x, y }]),
      onAddKeypoint: (kpId, x, y) => edit([{ op: 'keypoint.set', ...k, kpId, x, y }], `add keypoint ${kpId} to ${itemCategory}/${itemStem}`),
      onSetBbox: (bbox) => edit([{ op: 'bbox.set', ...k, bbox }]),
    }
  }, [itemCategory, itemStem, select, edit])

  const go = (i: number): void => patchParams(route, { i })
  // Where the shown image left the filtered list, the next one has moved up into its position.
  const hasNext = pinned.left ? win.current !== null : win.next !== null
  const goNext = (): void => (pinned.left ? pinned.unpin() : go(index + 1))
  const remove = (id: number): void => {
    if (key && image?.keypoints[id]) edit([{ op: 'keypoint.remove', ...key, kpId: id }])
  }
  const toggle = (id: number): void => {
    const k = image?.keypoints[id]
    if (key && k) edit([{ op: 'keypoint.visibility', ...key, kpId: id, visible: !k.visible }])
  }
  const reset = (id: number): void => {
    if (key && image?.editedFields.includes(`kp.${id}`)) edit([{ op: 'keypoint.reset', ...key, kpId: id }])
  }
  const copyPrevious = (): void => {
    if (!image || !previous.data) return
    const edits = copyKeypointEdits(previous.data, image, replaceOnCopy)
    if (edits.length === 0) setNotice('Nothing to copy: the previous image has no keypoints this one lacks.')
    else edit(edits, `copy keypoints from ${previous.data.original.stem} to ${image.original.stem}`)
  }

  useAnnotateKeys({
    undo,
    redo,
    next: () => hasNext && goNext(),
    prev: () => win.prev && go(index - 1),
    remove: () => selected !== null && remove(selected),
    toggleVisible: () => selected !== null && toggle(selected),
    reset: () => selected !== null && reset(selected),
    copyPrevious,
    toggleExclude: () => key && image && edit([{ op: 'image.exclude', ...key, excluded: !image.excluded }]),
    cycle: (step) => select(((selected ?? (step === 1 ? -1 : 30)) + step + 30) % 30),
    layer: (k) => {
      const next = layerKey(k, layers)
      if (next) setLayers(next)
    },
    help: () => setHelp(true),
    escape: () => select(null),
  })

  // The grid's filters, so that J and K walk the same list the grid shows; a new list starts at its first image.
  const refilter = (patch: Record<string, string | null>): void => patchParams(route, { ...patch, i: 0 })
  const datasets = list.data?.map((d) => d.name) ?? []
  const summary = list.data?.find((d) => d.name === ds)
  return (
    <section className="panel annotate" aria-label="Annotate">
      <div className="toolbar">
        <h1 className="inline">Annotate</h1>
        <Select label="Data set" value={ds ?? ''} options={datasets} anyLabel="—" onChange={(v) => patchParams(route, { ...paramsOfFilters({}), ds: v || null, i: 0 })} />
        <button type="button" onClick={() => go(index - 1)} disabled={!win.prev} title="K or ←">
          ← Prev
        </button>
        <span className="muted" data-testid="image-position">
          {win.total === null ? '…' : `${Math.min(index + 1, win.total)} / ${win.total}`}
        </span>
        <button type="button" onClick={goNext} disabled={!hasNext} title="J or →">
          Next →
        </button>
        <strong data-testid="image-title">{imageKey ?? ''}</strong>
        {pinned.left ? (
          <span className="muted small" data-testid="left-filters">
            no longer matches the filters
          </span>
        ) : null}
        <LayerToggles layers={layers} onChange={setLayers} hasMask={item?.maskFile != null} />
        <button type="button" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts" title="?">
          ?
        </button>
      </div>
      {ds ? (
        <div className="toolbar filters" role="group" aria-label="Image filters">
          <CommonFilters categories={summary ? Object.keys(summary.categories).sort() : []} params={params} onPatch={refilter} />
          <CurationFilters dataset={ds} params={params} onPatch={refilter} curated={undoState.data} />
        </div>
      ) : null}
      <div className="toolbar">
        <UndoBar state={undoState.data} onUndo={undo} onRedo={redo} />
        <button type="button" onClick={copyPrevious} disabled={!previous.data || !image} title="C">
          Copy keypoints from previous image
        </button>
        <label className="check small">
          <input type="checkbox" checked={replaceOnCopy} onChange={(e) => setReplaceOnCopy(e.target.checked)} />
          replace existing
        </label>
        {notice ? (
          <span className="muted small" role="status">
            {notice}
          </span>
        ) : null}
      </div>
      <ErrorAlert error={list.error} context="data sets" />
      <ErrorAlert error={win.error} context="images" />
      <ErrorAlert error={curated.error} context="image" />
      <ErrorAlert error={undoState.error} context="undo state" />
      <ErrorAlert error={actionError} context="edit" onDismiss={() => setActionError(null)} />
      {list.data && list.data.length === 0 ? <p className="muted">No data sets yet: import one under Data sets.</p> : null}
      {!win.loading && ds && !item && !win.error ? <p className="muted">No image at position {index + 1} with these filters.</p> : null}
      {item && ds ? (
        <div className="split-view">
          <DatasetImageStage
            key={item.file}
            dataset={ds}
            image={item}
            keypoints={keypoints}
            bbox={image?.bbox ?? null}
            layers={layers}
            selected={selected}
            edits={image ? stageEdits : undefined}
            label={`${item.category} ${item.stem}, editable`}
          />
          <aside className="side">
            {image ? (
              <>
                <KeypointPanel image={image} selected={selected} onSelect={select} onRemove={remove} onToggle={toggle} onReset={reset} />
                <ImageCurationPanel
                  image={image}
                  onExclude={(excluded) => key && edit([{ op: 'image.exclude', ...key, excluded }])}
                  onTags={(tags) => key && edit([{ op: 'image.tags', ...key, tags }])}
                  onNote={(note) => key && edit([{ op: 'image.note', ...key, note }])}
                />
              </>
            ) : null}
            <ErrorAlert error={history.error} context="history" />
            {history.data ? (
              <HistoryPanel
                items={history.data.items}
                total={history.data.total}
                onMore={history.data.total > history.data.items.length ? () => setHistoryLimit((l) => Math.min(1000, l + HISTORY_PAGE)) : null}
              />
            ) : null}
          </aside>
        </div>
      ) : null}
      {help ? <ShortcutsDialog onClose={() => setHelp(false)} /> : null}
    </section>
  )
}
