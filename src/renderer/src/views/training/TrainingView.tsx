import { useCallback, useEffect, useState } from 'react'
import { useQuery } from '../../client/use-query'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { patchParams } from '../../shell/route'
import type { Route } from '../../shell/route'
import { BenchesPanel } from './BenchesPanel'
import { CompareRuns } from './CompareRuns'
import { parseCompare, toggleCompare } from './curves'
import { ImportRunsForm } from './ImportRunsForm'
import { RunDetail } from './RunDetail'
import { RunsTable } from './RunsTable'
import { TrainForm } from './TrainForm'

/** Run statuses that still change; while any is shown, the table polls so step and loss move. */
const LIVE = new Set(['queued', 'running'])
const POLL_MS = 3000

/**
 * Route parameters: run (the selected run id) and compare (up to two run ids), so a selection
 * survives reloads and can be linked.
 */
export function TrainingView({ route }: { route: Route }): React.JSX.Element {
  const datasets = useQuery('datasets.list', {})
  const runs = useQuery('train.runs', {})
  // Bumped on every refresh of the table, so the selected run's curve is re-read with it.
  const [refresh, setRefresh] = useState(0)
  const reloadRuns = runs.reload
  const reloadAll = useCallback((): void => {
    reloadRuns()
    setRefresh((n) => n + 1)
  }, [reloadRuns])

  const live = runs.data?.some((r) => LIVE.has(r.status)) ?? false
  useEffect(() => {
    if (!live) return
    const t = setInterval(() => {
      reloadRuns()
      setRefresh((n) => n + 1)
    }, POLL_MS)
    return () => clearInterval(t)
  }, [live, reloadRuns])

  const selectedId = route.params.get('run')
  const selected = runs.data?.find((r) => r.id === selectedId) ?? null
  const select = (id: string): void => patchParams(route, { run: id })
  const compared = parseCompare(route.params.get('compare'))
  const setCompared = (ids: readonly string[]): void => patchParams(route, { compare: ids.join(',') || null })
  const pair = compared.map((id) => runs.data?.find((r) => r.id === id)).filter((r) => r !== undefined)
  return (
    <div className="stack">
      <section className="panel">
        <h1>Training</h1>
        <ErrorAlert error={datasets.error} context="data sets" />
        <TrainForm
          datasets={datasets.data?.map((d) => d.name) ?? []}
          onStarted={(runId) => {
            reloadAll()
            select(runId)
          }}
          onSettled={reloadAll}
        />
        <ImportRunsForm onImported={reloadAll} />
      </section>
      <BenchesPanel onCollected={reloadAll} />
      <section className="panel" aria-label="Runs">
        <h2>Runs</h2>
        <ErrorAlert error={runs.error} context="training runs" />
        {runs.data && runs.data.length === 0 ? <p className="muted">No runs yet: start one above.</p> : null}
        {runs.data && runs.data.length > 0 ? (
          <RunsTable runs={runs.data} selected={selectedId} onSelect={select} compared={compared} onToggleCompare={(id) => setCompared(toggleCompare(compared, id))} />
        ) : null}
        {runs.data && runs.data.length > 1 && pair.length < 2 ? <p className="muted">Tick two runs to compare their loss curves.</p> : null}
      </section>
      {pair.length === 2 ? <CompareRuns key={pair.map((r) => r.id).join(',')} runs={[pair[0]!, pair[1]!]} refresh={refresh} onClose={() => setCompared([])} /> : null}
      {selected ? <RunDetail key={selected.id} run={selected} runs={runs.data ?? []} refresh={refresh} onSettled={reloadAll} /> : null}
    </div>
  )
}
