import type { DeviceChoice } from '../../../shared/device'
import type { GpuAdapters, SystemInfo } from '../../../shared/ipc/channels/system'
import { probeOnnxProviders, probeTfjsBackends } from '../../engine/backend/probe'
import { listAdapters } from '../../engine/gpu/adapter'
import type { Store } from '../../store/open-store'

export interface SystemServiceOptions {
  appVersion: string
  dataDir: string
  store: Store
  /** Where engine jobs run now (the setting, or the command's --device). */
  device: () => DeviceChoice
}

export class SystemService {
  private backends: Pick<SystemInfo, 'tfjsBackends' | 'onnxProviders'> | null = null

  constructor(private readonly options: SystemServiceOptions) {}

  info(transport: SystemInfo['transport']): SystemInfo {
    // Probing loads onnxruntime's binding: do it once, on first use, not at start-up.
    this.backends ??= { tfjsBackends: probeTfjsBackends(), onnxProviders: probeOnnxProviders() }
    const { db, path, schemaVersion } = this.options.store
    const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
    const journalMode = String(db.pragma('journal_mode', { simple: true }))
    return {
      appVersion: this.options.appVersion,
      transport,
      versions: {
        node: process.versions.node,
        electron: process.versions.electron ?? null,
        chrome: process.versions.chrome ?? null,
        sqlite,
      },
      platform: `${process.platform}-${process.arch}`,
      dataDir: this.options.dataDir,
      database: { path, schemaVersion, journalMode },
      ...this.backends,
    }
  }

  /** Asked afresh each time: a driver installed since shows up on Refresh. */
  async adapters(): Promise<GpuAdapters> {
    return { ...(await listAdapters()), device: this.options.device() }
  }
}
