import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import type { DeviceChoice } from '../../shared/device'
import { builtMainDir } from '../build-paths'
import { openStore } from '../store/open-store'
import type { OpenStoreOptions, Store } from '../store/open-store'
import { AssetsService } from '../services/assets/assets-service'
import { CurationService } from '../services/curation/curation-service'
import { DatasetsService } from '../services/datasets/datasets-service'
import { DemoService } from '../services/demo/demo-service'
import { EvalService } from '../services/eval/eval-service'
import { ExportService } from '../services/export/export-service'
import { FeaturesService } from '../services/features/features-service'
import { JobManager } from '../services/jobs/job-manager'
import { MediaService } from '../services/media/media-service'
import { MeshesService } from '../services/meshes/meshes-service'
import { RunsService } from '../services/runs/runs-service'
import { SettingsService } from '../services/settings/settings-service'
import { SystemService } from '../services/system/system-service'
import { TrainService } from '../services/train/train-service'
import { TransferService } from '../services/transfer/transfer-service'
import { EventHub } from './event-hub'
import { buildHandlers } from './handlers'
import { HandlerRegistry } from './registry'
import { APP_VERSION } from './version'

export interface Services {
  system: SystemService
  settings: SettingsService
  jobs: JobManager
  datasets: DatasetsService
  demo: DemoService
  assets: AssetsService
  curation: CurationService
  exports: ExportService
  features: FeaturesService
  eval: EvalService
  transfer: TransferService
  train: TrainService
  media: MediaService
  meshes: MeshesService
  runs: RunsService
}

export interface Core {
  dataDir: string
  store: Store
  hub: EventHub
  services: Services
  registry: HandlerRegistry
  /** Where engine jobs run: the command's --device, else the workspace's engine.device setting. */
  device(): DeviceChoice
  close(): void
}

export interface CoreOptions extends OpenStoreOptions {
  dataDir: string
  /** Folder of the built worker entries (default: found next to the build; none in tests). */
  workerDir?: string | null
  log?: (level: 'warn' | 'error', message: string) => void
  /** Training steps between checkpoints (the train service's default when absent). */
  checkpointEvery?: number
  /** Where this process's engine jobs run (a command's --device); the workspace's engine.device setting when absent. */
  device?: DeviceChoice
}

/** Threads per training run: both cores where there are two (SEMAGIC_TRAIN_THREADS overrides; results do not depend on it). */
function trainThreads(): number {
  const asked = Number(process.env.SEMAGIC_TRAIN_THREADS)
  return Number.isInteger(asked) && asked >= 1 ? asked : Math.max(1, Math.min(2, availableParallelism()))
}

/** Builds the services in dependency order over one workspace; both transports share it. */
export function createCore(options: CoreOptions): Core {
  const log = options.log ?? ((level, message) => console[level](message))
  const store = openStore(options.dataDir, options)
  const hub = new EventHub()
  const workerDir = options.workerDir === undefined ? builtMainDir() : options.workerDir
  const jobs = new JobManager(store.db, hub)
  const settings = new SettingsService(store.db)
  const device = (): DeviceChoice => options.device ?? settings.device()
  const features = new FeaturesService(store.db, jobs, {
    dataDir: options.dataDir,
    workerFile: join(workerDir ?? '', 'feature-worker.js'),
    workers: workerDir ? Math.max(1, Math.min(2, availableParallelism())) : 0,
    device,
  })
  const datasets = new DatasetsService(store.db, jobs)
  const train = new TrainService(store.db, options.dataDir, jobs, features, {
    workerFile: workerDir ? join(workerDir, 'train-worker.js') : null,
    threads: trainThreads(),
    device,
    ...(options.checkpointEvery !== undefined ? { checkpointEvery: options.checkpointEvery } : {}),
  })
  const curation = new CurationService(store.db)
  const evals = new EvalService(store.db, jobs, features, train)
  const services: Services = {
    system: new SystemService({ appVersion: APP_VERSION, dataDir: options.dataDir, store, device }),
    settings,
    jobs,
    datasets,
    demo: new DemoService(store.db, options.dataDir, jobs, datasets),
    assets: new AssetsService(store.db, options.dataDir, jobs, datasets),
    curation,
    exports: new ExportService(store.db, jobs),
    features,
    eval: evals,
    transfer: new TransferService(features, { db: store.db, train }, hub),
    train,
    media: new MediaService(store.db),
    meshes: new MeshesService(store.db, features, train, curation),
    runs: new RunsService(store.db, options.dataDir, train, evals),
  }
  const registry = new HandlerRegistry(buildHandlers(services), (channel, error) =>
    log('error', `[${channel}] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  )
  return {
    dataDir: options.dataDir,
    store,
    hub,
    services,
    registry,
    device,
    close: () => store.close(),
  }
}
