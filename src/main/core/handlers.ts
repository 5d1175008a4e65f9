import { curationHandlers } from '../services/curation/curation-handlers'
import { datasetsHandlers } from '../services/datasets/datasets-handlers'
import { hubModels } from '../features/hub/hub-models'
import type { Services } from './create-core'
import type { HandlerMap } from './registry'

/** Channel -> service method. Transports never see services; services never see transports. */
export function buildHandlers(s: Services): HandlerMap {
  return {
    'system.info': (_req, ctx) => s.system.info(ctx.transport === 'electron' ? 'electron' : 'websocket'),
    'system.adapters': () => s.system.adapters(),
    'settings.get': ({ key }) => ({ key, value: s.settings.get(key) as never }),
    'settings.set': ({ key, value }) => {
      s.settings.set(key, value)
      return { key, value }
    },
    'settings.list': () => s.settings.list() as never,
    'jobs.list': ({ limit }) => s.jobs.list(limit),
    'jobs.get': ({ id }) => s.jobs.get(id),
    'jobs.cancel': ({ id }) => ({ id, cancelRequested: s.jobs.cancel(id) }),
    ...datasetsHandlers(s.datasets, s.exports),
    ...curationHandlers(s.curation),
    'features.extract': ({ name, backbone, size }) => s.features.startExtract(name, backbone, size === undefined ? {} : { size }),
    'features.cache': () => s.features.cache(),
    'features.clear': ({ settingsHash }) => s.features.clear(settingsHash),
    'features.hubModels': () => hubModels(),
    'eval.run': (req) => s.eval.startEval(req),
    'eval.reports': ({ dataset }) => s.eval.reports(dataset),
    'eval.pairs': (req) => s.eval.pairs(req),
    'transfer.points': (req) => s.transfer.points(req),
    'transfer.cancel': ({ requestId }) => ({ requestId, cancelRequested: s.transfer.cancel(requestId) }),
    'train.start': async ({ device, ...config }) => {
      await s.train.checkDevice(device)
      return s.train.start(config, undefined, device)
    },
    'train.resume': async ({ runId, device }) => {
      await s.train.checkDevice(device)
      return s.train.resume(runId, device)
    },
    'train.runs': () => s.train.runs(),
    'train.curve': ({ runId }) => s.train.curve(runId),
    'meshes.canonical': ({ runId }) => s.meshes.canonical(runId),
    'meshes.instance': ({ runId, dataset, image }) => s.meshes.instance(runId, dataset, image),
    'meshes.export': (req) => s.meshes.export(req),
    'runs.import': ({ folders }) => s.runs.importFolders(folders),
    'runs.benches': () => s.runs.benches(),
    'assets.open': ({ path }) => s.assets.open(path),
    'assets.saveKeypoints': ({ path, assetPath, file }) => s.assets.saveKeypoints(path, assetPath, file),
    'assets.make': (req) => s.assets.startMake(req),
  }
}
