import { useMemo, useState } from 'react'
import type { Bbox, Point } from '../../../../shared/ipc/channels/datasets'
import { useQuery } from '../../client/use-query'
import { methodColour } from '../../lib/palette'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { DatasetImageStage } from '../image/DatasetImageStage'
import type { Layers, StageKeypoint } from '../image/ImageStage'
import { LayerToggles } from '../image/LayerToggles'
import { CallProgress } from './CallProgress'
import { HeatmapCanvas, HeatmapCaption } from './HeatmapCanvas'
import { distance, nearestKeypoint, pckThreshold } from './transfer-geometry'
import type { ImageKey } from './transfer-route'
import { useTransfers } from './use-transfers'
import type { MethodState } from './use-transfers'

/** One ground-truth correspondence: keypoint `id` at `src` in the source and `trg` in the target. */
export interface Correspondence {
  id: number
  src: Point
  trg: Point
}

/** Screen pixels around a source keypoint within which a click means that keypoint. */
const SNAP_PX = 10

function slots(rows: readonly Correspondence[], side: 'src' | 'trg'): (StageKeypoint | null)[] {
  const out: (StageKeypoint | null)[] = Array.from({ length: 30 }, () => null)
  for (const r of rows) if (r.id >= 0 && r.id < 30) out[r.id] = { x: r[side][0], y: r[side][1], visible: true, edited: false }
  return out
}

/** An evaluated method's cached predictions of every keypoint row of the pair (eval.pairs). */
export interface Evaluated {
  method: string
  predicted: readonly (Point | null)[]
}

interface Pick {
  /** Counts picks: the same point picked again is asked again (a retry after a cancel). */
  serial: number
  point: Point
  /** Index into the correspondences when the click was on a source keypoint. */
  row: number | null
}

/**
 * Source and target side by side. A click on the source (or a keypoint button) is transferred by
 * every selected method at once; the target shows each prediction, the chosen NN method's
 * similarity map, and, when the click was on an annotated keypoint, its ground truth with the
 * alpha * T circle of PCK.
 */
export function TransferStages({
  dataset,
  source,
  target,
  rows,
  trgBbox,
  methods,
  alpha,
  evaluated,
}: {
  dataset: string
  source: ImageKey
  target: ImageKey
  rows: readonly Correspondence[]
  trgBbox: Bbox | null
  methods: readonly string[]
  alpha: number
  evaluated?: Evaluated | null
}): React.JSX.Element {
  const src = useQuery('datasets.image', { name: dataset, ...source })
  const trg = useQuery('datasets.image', { name: dataset, ...target })
  const [layers, setLayers] = useState<Layers>({ mask: false, bbox: true, keypoints: true })
  const [pick, setPick] = useState<Pick | null>(null)
  const [heatChoice, setHeatChoice] = useState<string | null>(null)
  const [showEvaluated, setShowEvaluated] = useState(true)
  const { states, cancel } = useTransfers(dataset, source, target, methods, pick?.point ?? null, pick?.serial ?? 0)
  const srcSlots = useMemo(() => slots(rows, 'src'), [rows])
  const trgSlots = useMemo(() => slots(rows, 'trg'), [rows])

  const gt = pick?.row != null ? (rows[pick.row] ?? null) : null
  const bbox = trgBbox ?? trg.data?.bbox ?? null
  const T = trg.data ? pckThreshold(bbox, [trg.data.width, trg.data.height]) : NaN
  const withMaps = methods.filter((m) => states.get(m)?.data?.heatmaps?.[0])
  const heatMethod = heatChoice !== null && withMaps.includes(heatChoice) ? heatChoice : (withMaps[0] ?? null)
  const heatmap = heatMethod ? (states.get(heatMethod)?.data?.heatmaps?.[0] ?? null) : null
  const pending = methods.filter((m) => states.get(m)?.status === 'pending')

  const serial = (pick?.serial ?? 0) + 1
  const pickRow = (row: number): void => setPick({ serial, point: rows[row]!.src, row })
  const onPick = (x: number, y: number, scale: number): void => {
    const row = nearestKeypoint([x, y], rows.map((r) => r.src), SNAP_PX / scale)
    setPick(row === null ? { serial, point: [Math.round(x * 10) / 10, Math.round(y * 10) / 10], row: null } : { serial, point: rows[row]!.src, row })
  }

  return (
    <section aria-label="Transfer" className="stack">
      <div className="toolbar">
        <span className="row" role="group" aria-label="Keypoints">
          {rows.length ? <span className="muted">Keypoints:</span> : <span className="muted">No keypoint is annotated in both images: click anywhere on the source.</span>}
          {rows.map((r, i) => (
            <button key={r.id} type="button" aria-pressed={pick?.row === i} onClick={() => pickRow(i)} title={`transfer keypoint ${r.id}`}>
              {r.id}
            </button>
          ))}
        </span>
        <LayerToggles layers={layers} onChange={setLayers} hasMask={src.data?.maskFile != null} />
        {evaluated ? (
          <label className="check" title="the evaluation's predictions of every keypoint: a line from the ground truth to the prediction, green when correct">
            <input type="checkbox" checked={showEvaluated} onChange={(e) => setShowEvaluated(e.target.checked)} />
            all keypoints as {evaluated.method} predicted them ({evaluatedCorrect(rows, evaluated, alpha * T)}/{rows.length} correct)
          </label>
        ) : null}
        {withMaps.length > 1 ? (
          <label className="field">
            Heatmap
            <select value={heatMethod ?? ''} onChange={(e) => setHeatChoice(e.target.value)} aria-label="Heatmap of">
              {withMaps.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
        ) : null}
        {pending.length ? (
          <span role="status" className="muted" data-testid="transfer-pending">
            transferring with {pending.join(', ')}…
          </span>
        ) : null}
      </div>
      <ErrorAlert error={src.error} context={`source ${source.stem}`} />
      <ErrorAlert error={trg.error} context={`target ${target.stem}`} />
      <div className="pair-view">
        <div>
          <h3>
            source {source.category}/{source.stem} <span className="muted">— click a point to transfer it</span>
          </h3>
          {src.data ? (
            <DatasetImageStage
              dataset={dataset}
              image={src.data}
              keypoints={srcSlots}
              bbox={null}
              layers={layers}
              selected={gt?.id ?? null}
              label={`source ${source.stem}`}
              onPick={onPick}
              overlay={(screen) => (pick ? <PickMarker at={screen(pick.point[0], pick.point[1])} point={pick.point} /> : null)}
            />
          ) : null}
        </div>
        <div>
          <h3>
            target {target.category}/{target.stem}
            {heatMethod && heatmap ? <HeatmapCaption method={heatMethod} map={heatmap} /> : null}
          </h3>
          {trg.data ? (
            <DatasetImageStage
              dataset={dataset}
              image={trg.data}
              keypoints={trgSlots}
              bbox={bbox}
              layers={layers}
              selected={gt?.id ?? null}
              label={`target ${target.stem}`}
              underlay={heatmap && heatMethod ? <HeatmapCanvas map={heatmap} method={heatMethod} /> : null}
              overlay={(screen, scale) => (
                <g>
                  {evaluated && showEvaluated && Number.isFinite(T) ? <EvaluatedLayer rows={rows} evaluated={evaluated} radius={alpha * T} screen={screen} /> : null}
                  {gt && Number.isFinite(T) ? (
                    <g data-testid="gt" data-x={gt.trg[0]} data-y={gt.trg[1]} data-radius={alpha * T}>
                      <circle className="gt-circle" data-testid="gt-circle" cx={screen(...gt.trg)[0]} cy={screen(...gt.trg)[1]} r={alpha * T * scale}>
                        <title>
                          PCK@{alpha}: within {(alpha * T).toFixed(1)} px of the ground truth
                        </title>
                      </circle>
                      <GtMarker at={screen(...gt.trg)} />
                    </g>
                  ) : null}
                  {methods.map((m, i) => {
                    const p = states.get(m)?.data?.predictions[0]
                    return p ? <PredictionMarker key={m} method={m} colour={methodColour(i)} point={p} at={screen(p[0], p[1])} /> : null
                  })}
                </g>
              )}
            />
          ) : null}
        </div>
      </div>
      <ResultTable methods={methods} states={states} gt={gt?.trg ?? null} T={T} alpha={alpha} picked={pick !== null} onCancel={cancel} />
    </section>
  )
}

function evaluatedCorrect(rows: readonly Correspondence[], evaluated: Evaluated, radius: number): number {
  return rows.filter((r, i) => {
    const p = evaluated.predicted[i]
    return p ? distance(p, r.trg) <= radius : false
  }).length
}

/** Every keypoint's evaluated prediction joined to its ground truth: where the method went wrong, at a glance. */
function EvaluatedLayer({
  rows,
  evaluated,
  radius,
  screen,
}: {
  rows: readonly Correspondence[]
  evaluated: Evaluated
  radius: number
  screen: (x: number, y: number) => [number, number]
}): React.JSX.Element {
  return (
    <g data-testid="evaluated">
      {rows.map((r, i) => {
        const p = evaluated.predicted[i]
        if (!p) return null
        const ok = distance(p, r.trg) <= radius
        const [gx, gy] = screen(...r.trg)
        const [px, py] = screen(p[0], p[1])
        return (
          <g key={r.id} className={ok ? 'evaluated evaluated-ok' : 'evaluated evaluated-wrong'} data-testid={`eval-pred-${r.id}`} data-x={p[0]} data-y={p[1]} data-correct={ok}>
            <title>
              keypoint {r.id}: {evaluated.method} predicted ({p[0].toFixed(1)}, {p[1].toFixed(1)}), {distance(p, r.trg).toFixed(1)} px from the ground truth
            </title>
            <line x1={gx} y1={gy} x2={px} y2={py} />
            <circle cx={px} cy={py} r={4} />
          </g>
        )
      })}
    </g>
  )
}

function PickMarker({ at, point }: { at: [number, number]; point: Point }): React.JSX.Element {
  const [x, y] = at
  return (
    <g className="pick" data-testid="source-pick" data-x={point[0]} data-y={point[1]} transform={`translate(${x} ${y})`}>
      <circle r={9} />
      <path d="M -15 0 H -5 M 5 0 H 15 M 0 -15 V -5 M 0 5 V 15" />
    </g>
  )
}

function GtMarker({ at }: { at: [number, number] }): React.JSX.Element {
  return (
    <g className="gt-point" transform={`translate(${at[0]} ${at[1]})`}>
      <title>ground truth</title>
      <rect x={-5} y={-5} width={10} height={10} />
    </g>
  )
}

function PredictionMarker({ method, colour, point, at }: { method: string; colour: string; point: Point; at: [number, number] }): React.JSX.Element {
  return (
    <g className="prediction" data-testid={`pred-${method}`} data-x={point[0]} data-y={point[1]} transform={`translate(${at[0]} ${at[1]})`}>
      <title>
        {method}: ({point[0].toFixed(1)}, {point[1].toFixed(1)})
      </title>
      <path d="M 0 -9 L 9 0 L 0 9 L -9 0 Z" fill={colour} />
      <path className="prediction-cross" d="M -4 0 H 4 M 0 -4 V 4" />
    </g>
  )
}

function ResultTable({
  methods,
  states,
  gt,
  T,
  alpha,
  picked,
  onCancel,
}: {
  methods: readonly string[]
  states: ReadonlyMap<string, MethodState>
  gt: Point | null
  T: number
  alpha: number
  picked: boolean
  onCancel: (method: string) => void
}): React.JSX.Element {
  if (!picked) return <p className="muted">Click on the source image, or press a keypoint button, to transfer a point with {methods.join(', ') || 'the chosen methods'}.</p>
  return (
    <table className="table" aria-label="Predictions">
      <thead>
        <tr>
          <th>method</th>
          <th className="num">x</th>
          <th className="num">y</th>
          <th className="num">error (px)</th>
          <th className="num">error / T</th>
          <th>PCK@{alpha}</th>
          <th className="num">time</th>
        </tr>
      </thead>
      <tbody>
        {methods.map((m, i) => {
          const s = states.get(m)
          const p = s?.data?.predictions[0] ?? null
          const err = p && gt ? distance(p, gt) : null
          return (
            <tr key={m} data-testid={`result-${m}`} data-status={s?.status}>
              <th scope="row">
                <span className="swatch" style={{ background: methodColour(i) }} /> {m}
              </th>
              {s?.status === 'error' ? (
                <td colSpan={6}>
                  <ErrorAlert error={s.error} />
                </td>
              ) : s?.status === 'pending' ? (
                <td colSpan={6} className="muted" aria-busy="true">
                  <CallProgress method={m} progress={s.progress} onCancel={() => onCancel(m)} />
                </td>
              ) : s?.status === 'cancelled' ? (
                <td colSpan={6} className="muted">
                  cancelled after {Math.round(s.ms)} ms; click the source again to retry
                </td>
              ) : (
                <>
                  <td className="num">{p ? p[0].toFixed(1) : '–'}</td>
                  <td className="num">{p ? p[1].toFixed(1) : '–'}</td>
                  <td className="num">{err === null ? '–' : err.toFixed(1)}</td>
                  <td className="num">{err === null ? '–' : (err / T).toFixed(3)}</td>
                  <td>{err === null ? (gt && !p ? '✗ no answer' : '–') : err / T <= alpha ? '✓ correct' : '✗ wrong'}</td>
                  <td className="num">{s?.ms != null ? `${Math.round(s.ms)} ms` : ''}</td>
                </>
              )}
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
