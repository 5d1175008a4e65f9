import { useCall } from '../client/use-call'
import { useRunningJobs } from '../client/jobs-store'

function RunningJobs(): React.JSX.Element | null {
  const running = useRunningJobs()
  if (running.length === 0) return null
  const first = running[0]!
  const p = first.progress
  return (
    <span data-testid="status-jobs" title={running.map((j) => j.title).join('\n')}>
      {running.length} job{running.length === 1 ? '' : 's'} running: {first.title}
      {p && p.total ? ` ${Math.round((100 * p.done) / p.total)}%` : ''}
    </span>
  )
}

export function StatusBar(): React.JSX.Element {
  const info = useCall('system.info', {})
  if (info.status !== 'ok') {
    return (
      <footer className="status" role="status">
        {info.status === 'error' ? `not connected: ${info.error.message}` : 'connecting…'}
      </footer>
    )
  }
  const backend = info.data.tfjsBackends.find((b) => b.available)
  return (
    <footer className="status" role="status">
      <span data-testid="status-backend">backend: {backend?.name ?? 'none'}</span>
      <span data-testid="status-transport">transport: {info.data.transport}</span>
      <span data-testid="status-db" title={info.data.database.path}>
        db: {info.data.database.path}
      </span>
      <RunningJobs />
    </footer>
  )
}
