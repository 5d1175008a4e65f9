import { useCall } from '../client/use-call'

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
    </footer>
  )
}
