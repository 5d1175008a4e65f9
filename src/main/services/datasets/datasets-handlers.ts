import type { HandlerMap } from '../../core/registry'
import type { ExportService } from '../export/export-service'
import type { DatasetsService } from './datasets-service'

type DatasetChannel = Extract<keyof HandlerMap, `datasets.${string}`>

/** The `datasets.*` channels, spread into the core's handler map. */
export function datasetsHandlers(datasets: DatasetsService, exports: ExportService): Pick<HandlerMap, DatasetChannel> {
  return {
    'datasets.import': ({ root, name, format, sampling }) => datasets.startImport(root, name, format, sampling),
    'datasets.export': ({ name, out }) => exports.startExport(name, out),
    'datasets.list': () => datasets.list(),
    'datasets.get': ({ name }) => datasets.get(name),
    'datasets.warnings': ({ name, offset, limit }) => datasets.warnings(name, offset, limit),
    'datasets.images': (q) => datasets.images(q),
    'datasets.pairs': (q) => datasets.pairs(q),
    'datasets.tags': ({ name }) => datasets.tags(name),
    'datasets.views.list': ({ name }) => datasets.views.list(name),
    'datasets.views.save': ({ name, view, filters }) => datasets.views.save(name, view, filters),
    'datasets.views.delete': ({ name, view }) => datasets.views.delete(name, view),
    'datasets.image': (q) => datasets.image(q),
  }
}
