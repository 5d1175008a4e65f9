import type { SystemInfo } from '../../../shared/ipc/channels/system'
import { probeOnnxProviders, probeTfjsBackends } from '../../engine/backend/probe'
import type { Store } from '../../store/open-store'

export interface SystemServiceOptions {
  appVersion: string
  dataDir: string
  store: Store
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
}
