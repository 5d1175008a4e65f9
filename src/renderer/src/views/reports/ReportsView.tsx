import { useEffect, useMemo, useState } from 'react'
import { Split } from '../../../../shared/ipc/channels/datasets'
import type { Measure } from '../../../../shared/eval/report-columns'
import { useQuery } from '../../client/use-query'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { patchParams } from '../../shell/route'
import type { Route } from '../../shell/route'
import { Select } from '../datasets/Filters'
import { FlagBreakdown, KeypointBreakdown } from './Breakdowns'
import { ExportButtons } from './ExportButtons'
import { GainOverNn } from './GainOverNn'
import { PckChart } from './PckChart'
import { PckTable } from './PckTable'
import { ReportList } from './ReportList'
import { RunEvalForm } from './RunEvalForm'
import { WorstPairs } from './WorstPairs'
import { alphaUnion, defaultSelection, labelReports } from './report-selection'

/** Route parameters: ds, split, alpha, measure (perImage | perPoint). */
export function ReportsView({ route }: { route: Route }): React.JSX.Element {
  const { params } = route
  const reports = useQuery('eval.reports', {})
  const datasets = useQuery('datasets.list', {})
  const all = useMemo(() => reports.data ?? [], [reports.data])

  const ds = params.get('ds')
  const split = Split.safeParse(params.get('split')).data ?? null
  // Until the user picks, show where the newest report is.
  useEffect(() => {
    const newest = reports.data?.[0]
    if ((!ds || !split) && newest) patchParams(route, { ds: ds ?? newest.dataset, split: split ?? newest.split }, { replace: true })
  }, [ds, split, reports.data, route])

  const here = useMemo(() => all.filter((s) => s.dataset === ds && s.split === split), [all, ds, split])
  // Explicit choices only; everything else follows the default (newest per method), so a fresh run shows up.
  const [choices, setChoices] = useState<ReadonlyMap<string, boolean>>(new Map())
  const selected = useMemo(() => {
    const keys = defaultSelection(here)
    for (const [k, on] of choices) {
      if (on) keys.add(k)
      else keys.delete(k)
    }
    return keys
  }, [here, choices])
  const shown = useMemo(() => labelReports(here.filter((s) => selected.has(s.key))), [here, selected])

  const alphas = alphaUnion(shown)
  const wanted = params.get('alpha')
  const alpha = alphas.find((a) => Number(a) === Number(wanted)) ?? alphas.find((a) => Number(a) === 0.1) ?? alphas[0] ?? '0.1'
  const measure: Measure = params.get('measure') === 'perPoint' ? 'perPoint' : 'perImage'

  const reportDatasets = [...new Set(all.map((s) => s.dataset))].sort()
  const datasetNames = datasets.data?.map((d) => d.name) ?? []
  return (
    <div className="stack">
      <section className="panel">
        <h1>Reports</h1>
        <ErrorAlert error={datasets.error} context="data sets" />
        <RunEvalForm
          datasets={datasetNames}
          initialDataset={ds && datasetNames.includes(ds) ? ds : null}
          onDone={(d, s) => {
            reports.reload()
            patchParams(route, { ds: d, split: s })
          }}
        />
      </section>
      <section className="panel" aria-label="Reports">
        <h2>Results</h2>
        <ErrorAlert error={reports.error} context="reports" />
        {reports.data && all.length === 0 ? <p className="muted">No reports yet: run an evaluation above.</p> : null}
        {all.length > 0 ? (
          <>
            <div className="toolbar">
              <Select label="Data set" value={ds ?? ''} options={reportDatasets} anyLabel="—" onChange={(v) => patchParams(route, { ds: v || null })} />
              <Select label="Split" value={split ?? ''} options={['trn', 'val', 'test']} anyLabel="—" onChange={(v) => patchParams(route, { split: v || null })} />
              <label className="field">
                Alpha
                <select value={alpha} onChange={(e) => patchParams(route, { alpha: e.target.value })} aria-label="Alpha">
                  {alphas.map((a) => (
                    <option key={a}>{a}</option>
                  ))}
                </select>
              </label>
              <div className="tabs" role="group" aria-label="Measure">
                <button type="button" aria-pressed={measure === 'perImage'} onClick={() => patchParams(route, { measure: null })}>
                  per image
                </button>
                <button type="button" aria-pressed={measure === 'perPoint'} onClick={() => patchParams(route, { measure: 'perPoint' })}>
                  per point
                </button>
              </div>
              <ExportButtons reports={shown} alpha={alpha} measure={measure} stem={`pck-${ds ?? 'all'}-${split ?? ''}-a${alpha}-${measure}`} />
            </div>
            {here.length === 0 ? <p className="muted">No reports for this data set and split.</p> : null}
            <ReportList summaries={here} selected={selected} onToggle={(k, on) => setChoices((m) => new Map(m).set(k, on))} />
            {shown.length > 0 ? (
              <>
                <PckTable reports={shown} alpha={alpha} measure={measure} />
                <GainOverNn reports={shown} alpha={alpha} measure={measure} />
                <h3>PCK versus alpha</h3>
                <PckChart reports={shown} measure={measure} />
                <details>
                  <summary>By SPair flag level (PCK@{alpha})</summary>
                  <FlagBreakdown reports={shown} alpha={alpha} measure={measure} />
                </details>
                <details>
                  <summary>By keypoint id (PCK@{alpha}, per point)</summary>
                  <KeypointBreakdown reports={shown} alpha={alpha} />
                </details>
                {ds && split ? <WorstPairs dataset={ds} split={split} methods={[...new Set(here.filter((r) => selected.has(r.key)).map((r) => r.method))]} alpha={alpha} /> : null}
              </>
            ) : null}
          </>
        ) : null}
      </section>
    </div>
  )
}
