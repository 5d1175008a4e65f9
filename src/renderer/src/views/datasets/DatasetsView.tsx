import { useCallback, useEffect, useState } from 'react'
import type { PairItem } from '../../../../shared/ipc/channels/datasets'
import { useQuery } from '../../client/use-query'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { intParam, patchParams } from '../../shell/route'
import type { Route } from '../../shell/route'
import { filtersFromParams, imageFiltersOf, pairFiltersOf, paramsOfFilters, useSameFilters } from '../image/filter-params'
import { CategoryTable } from './CategoryTable'
import { DatasetList } from './DatasetList'
import { CommonFilters, CurationFilters, ExcludedFilter, PairFlagFilters } from './Filters'
import { ImageGrid } from './ImageGrid'
import { ImageView } from './ImageView'
import { ImportForm } from './ImportForm'
import { MakeAssetForm } from './MakeAssetForm'
import { PairsTable } from './PairsTable'
import { PairView } from './PairView'
import { SavedViews } from './SavedViews'

/** Route parameters: ds, i (open image), and the filters a saved view restores (tab, category, split, tag, excluded, edited, layout, flags). */
export function DatasetsView({ route }: { route: Route }): React.JSX.Element {
  const list = useQuery('datasets.list', {})
  const { params } = route
  const requested = params.get('ds')
  const datasets = list.data ?? []
  const summary = datasets.find((d) => d.name === requested) ?? null

  // Nothing chosen yet: show the first data set rather than an empty page.
  useEffect(() => {
    if (!requested && list.data && list.data[0]) patchParams(route, { ds: list.data[0].name }, { replace: true })
  }, [requested, list.data, route])

  const patch = useCallback((p: Record<string, string | number | null>) => patchParams(route, p), [route])
  const [openPair, setOpenPair] = useState<{ dataset: string; pair: PairItem } | null>(null)
  // Another filter or tab is another list: the open pair no longer belongs to it.
  const refilter = (p: Record<string, string | number | null>): void => {
    setOpenPair(null)
    patch(p)
  }
  const filters = useSameFilters(filtersFromParams(params))
  const imageFilters = useSameFilters(imageFiltersOf(filters))
  const pairFilters = useSameFilters(pairFiltersOf(filters))

  const tab = filters.tab ?? 'images'
  const open = params.has('i') ? intParam(params, 'i') : null
  // A pair has no look-up by name in the contract, so the open one is held in state, not in the URL.
  const pair = openPair && openPair.dataset === summary?.name && tab === 'pairs' ? openPair.pair : null
  const closeImage = useCallback(() => patchParams(route, { i: null }), [route])
  const openImage = useCallback((i: number) => patchParams(route, { i }), [route])

  return (
    <div className="stack">
      {/* An open image gets the height; the list comes back with the grid. */}
      <section className="panel" aria-label="Data sets" hidden={open !== null || pair !== null}>
        <h1>Data sets</h1>
        <ErrorAlert error={list.error} context="data sets" />
        {list.data ? <DatasetList datasets={datasets} selected={summary?.name ?? null} /> : list.error ? null : <p className="muted">Loading…</p>}
        <details open={list.data?.length === 0}>
          <summary>Import a data set folder (SPair-71k, PF-PASCAL, PF-WILLOW, CUB-200-2011)…</summary>
          <ImportForm
            onImported={(name) => {
              list.reload()
              patchParams(route, { ds: name, i: null })
            }}
          />
        </details>
        <details>
          <summary>Make a benchmark from a 3-D asset (the fox)…</summary>
          <MakeAssetForm
            onMade={(name) => {
              list.reload()
              patchParams(route, { ds: name, i: null })
            }}
          />
        </details>
      </section>
      {requested && list.data && !summary ? <ErrorAlert error={`there is no data set named "${requested}"`} /> : null}
      {summary ? (
        <section className="panel" aria-label={`Data set ${summary.name}`}>
          <h2>
            {summary.name} <span className="muted">{summary.root}</span>
          </h2>
          {open === null ? (
            <details>
              <summary>Categories ({Object.keys(summary.categories).length})</summary>
              <CategoryTable summary={summary} onPick={(c) => patch({ category: c, i: null })} />
            </details>
          ) : null}
          <div className="toolbar">
            <div className="tabs" role="tablist">
              <button type="button" role="tab" aria-selected={tab === 'images'} onClick={() => refilter({ tab: null })}>
                Images
              </button>
              <button type="button" role="tab" aria-selected={tab === 'pairs'} onClick={() => refilter({ tab: 'pairs', i: null })}>
                Pairs
              </button>
            </div>
            <CommonFilters categories={Object.keys(summary.categories).sort()} params={params} onPatch={(p) => refilter({ ...p, i: null })} />
            {tab === 'pairs' ? (
              <>
                <PairFlagFilters params={params} onPatch={refilter} />
                <ExcludedFilter params={params} onPatch={refilter} />
              </>
            ) : (
              <CurationFilters dataset={summary.name} params={params} onPatch={(p) => refilter({ ...p, i: null })} />
            )}
          </div>
          {open === null && pair === null ? (
            <SavedViews dataset={summary.name} filters={filters} onApply={(f) => refilter({ ...paramsOfFilters(f), i: null })} />
          ) : null}
          {tab === 'images' && open !== null ? (
            <ImageView dataset={summary.name} filters={imageFilters} index={open} onIndex={openImage} onClose={closeImage} />
          ) : tab === 'images' ? (
            <ImageGrid dataset={summary.name} version={summary.contentHash} filters={imageFilters} onOpen={openImage} />
          ) : pair ? (
            <PairView dataset={summary.name} pair={pair} onClose={() => setOpenPair(null)} />
          ) : (
            <PairsTable dataset={summary.name} version={summary.contentHash} filters={pairFilters} onOpen={(p) => setOpenPair({ dataset: summary.name, pair: p })} />
          )}
        </section>
      ) : null}
    </div>
  )
}
