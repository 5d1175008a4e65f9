import type { SystemInfo } from '../../../../shared/ipc/channels/system'
import { useCall } from '../../client/use-call'
import { GpuAdapters } from './GpuAdapters'

/** The Hugging Face hub cache as the core sees it: where, which server, and every ONNX model there. */
function HubCache(): React.JSX.Element {
  const hub = useCall('features.hubModels', {})
  if (hub.status !== 'ok') return <p className="muted">{hub.status === 'loading' ? 'Reading the Hugging Face cache…' : `Hugging Face cache: ${hub.error.message}`}</p>
  const d = hub.data
  return (
    <table className="table" aria-label="Hugging Face models">
      <caption>
        Hugging Face models in {d.cacheDir} ({d.offline ? 'offline: HF_HUB_OFFLINE is set' : `from ${d.endpoint}`}
        {d.token ? ', HF_TOKEN set' : ''})
      </caption>
      <thead>
        <tr>
          <th>backbone</th>
          <th>commit</th>
          <th>size</th>
        </tr>
      </thead>
      <tbody>
        {d.models.length === 0 ? (
          <tr>
            <td colSpan={3}>none yet: name one as a backbone, e.g. {d.suggestions[0]?.name}</td>
          </tr>
        ) : (
          d.models.map((m) => (
            <tr key={`${m.repo} ${m.commit} ${m.file}`}>
              <td>{m.name}</td>
              <td title={m.commit}>{m.commit.slice(0, 12)}</td>
              <td>{(m.bytes / 1e6).toFixed(1)} MB</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  )
}

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
      <GpuAdapters />
      <HubCache />
      <button type="button" onClick={info.reload}>
        Refresh
      </button>
    </section>
  )
}
