import type { SystemInfo } from '../../../../shared/ipc/channels/system'
import { useCall } from '../../client/use-call'

function Backends({ title, list }: { title: string; list: SystemInfo['tfjsBackends'] }): React.JSX.Element {
  return (
    <table className="table" aria-label={title}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th>backend</th>
          <th>available</th>
          <th>detail</th>
        </tr>
      </thead>
      <tbody>
        {list.map((b) => (
          <tr key={b.name}>
            <td>{b.name}</td>
            <td>{b.available ? 'yes' : 'no'}</td>
            <td>{b.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function HealthView(): React.JSX.Element {
  const info = useCall('system.info', {})
  if (info.status === 'loading') return <section className="panel">Loading…</section>
  if (info.status === 'error') {
    return (
      <section className="panel" role="alert">
        Could not reach the studio core: {info.error.message}
      </section>
    )
  }
  const d = info.data
  const rows: [string, string][] = [
    ['studio', d.appVersion],
    ['transport', d.transport],
    ['node', d.versions.node],
    ['electron', d.versions.electron ?? '—'],
    ['chrome', d.versions.chrome ?? '—'],
    ['platform', d.platform],
    ['workspace', d.dataDir],
    ['database', d.database.path],
    ['schema version', String(d.database.schemaVersion)],
    ['journal mode', d.database.journalMode],
    ['sqlite', d.versions.sqlite],
  ]
  return (
    <section className="panel" aria-label="Health">
      <h1>Health</h1>
      <dl className="facts">
        {rows.map(([k, v]) => (
          <div key={k} data-testid={`fact-${k.replace(/ /g, '-')}`}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <Backends title="tfjs backends" list={d.tfjsBackends} />
      <Backends title="ONNX runtime providers" list={d.onnxProviders} />
      <button type="button" onClick={info.reload}>
        Refresh
      </button>
    </section>
  )
}
