import { useState } from 'react'
import { DEVICE_CHOICES, DEVICE_SETTING } from '../../../../shared/device'
import type { DeviceChoice } from '../../../../shared/device'
import { useClient } from '../../client'
import { useCall } from '../../client/use-call'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { SelectField } from '../../shell/SelectField'

const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`

/**
 * The WebGPU adapters the engine could run on, or why there is none, and the studio's device
 * setting (what training, fits and ONNX features use unless a form or --device names another).
 */
export function GpuAdapters(): React.JSX.Element {
  const client = useClient()
  const found = useCall('system.adapters', {})
  const [error, setError] = useState<Error | null>(null)
  if (found.status === 'loading') return <p className="muted">Looking for WebGPU adapters…</p>
  if (found.status === 'error') return <ErrorAlert error={found.error} context="WebGPU adapters" />
  const d = found.data
  const choose = (device: DeviceChoice): void => {
    setError(null)
    client.call('settings.set', { key: DEVICE_SETTING, value: device }).then(found.reload, (err: Error) => setError(err))
  }
  return (
    <>
      <div className="form-row" aria-label="Compute device">
        <SelectField label="Compute device" name="device" value={d.device} options={DEVICE_CHOICES} onChange={choose} />
        <p className="muted">auto: a hardware GPU when there is one, else the CPU; gpu: fail rather than run elsewhere.</p>
      </div>
      <ErrorAlert error={error} context="device setting" />
      <table className="table" aria-label="WebGPU adapters">
        <caption>WebGPU adapters (Dawn on Vulkan)</caption>
        <thead>
          <tr>
            <th>vendor</th>
            <th>architecture</th>
            <th>device</th>
            <th>driver</th>
            <th>kind</th>
            <th>largest storage buffer</th>
            <th>workgroup size</th>
          </tr>
        </thead>
        <tbody>
          {d.adapters.length === 0 ? (
            <tr>
              <td colSpan={7} data-testid="no-adapter">
                {d.error}
              </td>
            </tr>
          ) : (
            d.adapters.map((a) => (
              <tr key={`${a.vendor} ${a.device} ${a.description}`}>
                <td>{a.vendor || '—'}</td>
                <td>{a.architecture || '—'}</td>
                <td>{a.device || '—'}</td>
                <td>{a.description || '—'}</td>
                <td>{a.software ? 'software' : 'hardware'}</td>
                <td>{mib(a.limits.maxStorageBufferBindingSize)}</td>
                <td>
                  {a.limits.maxComputeWorkgroupSizeX} x, {a.limits.maxComputeInvocationsPerWorkgroup} invocations
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </>
  )
}
