import { useEffect, useMemo } from 'react'
import type { Point } from '../../../../shared/ipc/channels/datasets'
import { useQuery } from '../../client/use-query'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { navigate, routeIsCurrent } from '../../shell/route'
import type { Route } from '../../shell/route'
import { Select } from '../datasets/Filters'
import { ImagePicker } from './ImagePicker'
import { MethodPicker } from './MethodPicker'
import { PairList } from './PairList'
import { TransferStages } from './TransferStages'
import type { Correspondence } from './TransferStages'
import { readSelection, selectionParams } from './transfer-route'
import type { TransferSelection } from './transfer-route'

const BASELINES = ['nn-handmade', 'nn-pretrained']

/**
 * Route parameters: ds, split, pair (or src and trg, "category/stem", for any two images), m
 * (methods), rank (the evaluated method that orders the pair list), sort, desc, alpha.
 */
export function TransferView({ route }: { route: Route }): React.JSX.Element {
  const sel = readSelection(route.params)
  const go = (patch: Partial<TransferSelection>, replace = false): void => navigate('transfer', selectionParams({ ...sel, ...patch }), { replace })

  const datasets = useQuery('datasets.list', {})
  const reports = useQuery('eval.reports', sel.ds ? { dataset: sel.ds } : null)
  const runs = useQuery('train.runs', {})

  // Until the user picks, show the data set of the newest report, else the first one.
  const names = useMemo(() => datasets.data?.map((d) => d.name) ?? [], [datasets.data])
  useEffect(() => {
    if (sel.ds || names.length === 0 || !routeIsCurrent(route)) return
    navigate('transfer', selectionParams({ ...sel, ds: names.includes('demo') ? 'demo' : names[0]! }), { replace: true })
  }, [sel, names, route])

  const evaluated = useMemo(() => {
    const out: string[] = []
    for (const r of reports.data ?? []) if (r.split === sel.split && !out.includes(r.method)) out.push(r.method)
    return out
  }, [reports.data, sel.split])
  const trained = useMemo(
    () =>
      (runs.data ?? [])
        .filter((r) => r.config.dataset === sel.ds && r.status === 'succeeded')
        .flatMap((r) => [`mesh:${r.id}`, `hybrid:${r.id}`]),
    [runs.data, sel.ds],
  )
  const candidates = [...new Set([...evaluated, ...trained, ...BASELINES])].filter((m) => !m.startsWith('predictions:'))
  const methods = sel.methods.length ? sel.methods : [evaluated.find((m) => m.startsWith('nn-')) ?? 'nn-handmade']
  const rank = sel.rank && evaluated.includes(sel.rank) ? sel.rank : (methods.find((m) => evaluated.includes(m)) ?? evaluated[0] ?? null)
  const imagesMode = !sel.pair && (sel.src !== null || sel.trg !== null)

  const pairQ = useQuery('datasets.pairs', sel.ds && sel.pair ? { name: sel.ds, split: sel.split, pair: sel.pair, limit: 1 } : null)
  const pair = pairQ.data?.items[0] ?? null
  // The ranking method's own predictions of this pair, as its evaluation cached them.
  const evaluatedQ = useQuery(
    'eval.pairs',
    !imagesMode && sel.ds && sel.pair && rank ? { dataset: sel.ds, split: sel.split, method: rank, pair: sel.pair, alpha: sel.alpha, limit: 1 } : null,
  )
  const evaluatedItem = evaluatedQ.data?.items[0] ?? null
  const srcImg = useQuery('datasets.image', imagesMode && sel.ds && sel.src?.stem ? { name: sel.ds, ...sel.src } : null)
  const trgImg = useQuery('datasets.image', imagesMode && sel.ds && sel.trg?.stem ? { name: sel.ds, ...sel.trg } : null)

  // Ground-truth correspondences: the pair file's rows, or, for two images, the ids both annotate.
  const rows = useMemo((): Correspondence[] => {
    if (!imagesMode) return pair ? pair.kpsIds.map((id, i) => ({ id, src: pair.srcKps[i]!, trg: pair.trgKps[i]! })) : []
    const a = srcImg.data
    const b = trgImg.data
    if (!a || !b || a.category !== b.category) return []
    return a.keypoints.flatMap((p, id) => {
      const q = b.keypoints[id]
      return p && q ? [{ id, src: p as Point, trg: q as Point }] : []
    })
  }, [imagesMode, pair, srcImg.data, trgImg.data])

  const source = imagesMode ? (sel.src?.stem ? sel.src : null) : pair ? { category: pair.category, stem: pair.srcStem } : null
  const target = imagesMode ? (sel.trg?.stem ? sel.trg : null) : pair ? { category: pair.category, stem: pair.trgStem } : null

  return (
    <div className="stack transfer">
      <section className="panel">
        <h1>Transfer</h1>
        <ErrorAlert error={datasets.error} context="data sets" />
        <ErrorAlert error={reports.error} context="reports" />
        <ErrorAlert error={runs.error} context="training runs" />
        <div className="toolbar">
          <Select label="Data set" value={sel.ds ?? ''} options={names} anyLabel="—" onChange={(v) => go({ ds: v || null, pair: null, src: null, trg: null })} />
          <Select label="Split" value={sel.split} options={['trn', 'val', 'test']} anyLabel="—" onChange={(v) => go({ split: (v || 'test') as TransferSelection['split'], pair: null })} />
          <label className="field">
            Alpha
            <select aria-label="Alpha" value={String(sel.alpha)} onChange={(e) => go({ alpha: Number(e.target.value) })}>
              {['0.05', '0.1', '0.15'].map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
          {evaluated.length ? (
            <label className="field">
              Sort pairs by
              <select aria-label="Sort pairs by" value={rank ?? ''} onChange={(e) => go({ rank: e.target.value })}>
                {evaluated.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            </label>
          ) : null}
          <div className="tabs" role="group" aria-label="Choose">
            <button type="button" aria-pressed={!imagesMode} onClick={() => go({ src: null, trg: null })}>
              a pair
            </button>
            <button
              type="button"
              aria-pressed={imagesMode}
              onClick={() => go({ pair: null, src: source ?? sel.src ?? { category: pair?.category ?? '', stem: '' }, trg: target ?? sel.trg })}
            >
              any two images
            </button>
          </div>
        </div>
        <MethodPicker candidates={candidates} selected={methods} onChange={(m) => go({ methods: m })} />
      </section>
      {sel.ds ? (
        <div className="transfer-layout">
          {imagesMode ? (
            <ImagePicker dataset={sel.ds} source={sel.src} target={sel.trg} onChange={(src, trg) => go({ src, trg })} />
          ) : (
            <PairList
              dataset={sel.ds}
              split={sel.split}
              rank={rank}
              alpha={sel.alpha}
              sort={sel.sort}
              desc={sel.desc}
              selected={sel.pair}
              onSelect={(p) => go({ pair: p.name })}
              onSort={(sort, desc) => go({ sort, desc })}
              // Only once the reports are in: until then the list is not yet ordered by error.
              onFirst={reports.data || reports.error ? (p) => routeIsCurrent(route) && go({ pair: p.name }, true) : undefined}
            />
          )}
          <div className="panel transfer-main">
            <ErrorAlert error={pairQ.error} context={sel.pair ?? 'pair'} />
            <ErrorAlert error={srcImg.error} context="source" />
            <ErrorAlert error={trgImg.error} context="target" />
            <ErrorAlert error={evaluatedQ.error} context={`${rank ?? ''} on this pair`} />
            {sel.pair && pairQ.data && !pair ? <ErrorAlert error={`no ${sel.split} pair "${sel.pair}" in ${sel.ds}`} /> : null}
            {pair && !imagesMode ? (
              <p className="muted" data-testid="transfer-pair">
                <strong>{pair.name}</strong> · {pair.kpsIds.length} keypoints · viewpoint {pair.flags.viewpointVariation ?? '–'} · scale{' '}
                {pair.flags.scaleVariation ?? '–'} · truncation {pair.flags.truncation ?? '–'} · occlusion {pair.flags.occlusion ?? '–'}
              </p>
            ) : null}
            {source && target ? (
              <TransferStages
                key={`${source.category}/${source.stem}>${target.category}/${target.stem}`}
                dataset={sel.ds}
                source={source}
                target={target}
                rows={rows}
                trgBbox={imagesMode ? (trgImg.data?.bbox ?? null) : (pair?.trgBbox ?? null)}
                methods={methods}
                alpha={sel.alpha}
                evaluated={!imagesMode && rank && evaluatedItem && evaluatedItem.name === pair?.name ? { method: rank, predicted: evaluatedItem.predicted } : null}
              />
            ) : (
              <p className="muted">{imagesMode ? 'Choose a source and a target image.' : 'Choose a pair from the list.'}</p>
            )}
          </div>
        </div>
      ) : null}
    </div>
  )
}
