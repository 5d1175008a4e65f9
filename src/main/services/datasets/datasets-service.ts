import { basename, isAbsolute, resolve } from 'node:path'
import { DATASET_FORMAT_LABELS as FORMAT_LABELS, DatasetName } from '../../../shared/ipc/channels/datasets'
import type { CubSampling, DatasetFormat, DatasetSummary, ImageDetail, ImageItem, ImportResult, ImportWarning, PairItem } from '../../../shared/ipc/channels/datasets'
import type { ParsedRequestOf } from '../../../shared/ipc/contract'
import { AppError } from '../../core/app-error'
import { assertRoot, samplingOf, scanTree } from '../../datasets/readers'
import { SEGMENTATION_RULE } from '../../datasets/spair/segmentation'
import type { Db } from '../../store/migration'
import type { JobContext, JobManager } from '../jobs/job-manager'
import { allDatasets, findDataset, imageDetail, imagesPage, pairsPage, requireDataset, summarize, warningsPage } from './dataset-queries'
import type { Page } from './dataset-queries'
import { tagCounts } from './curation-filters'
import { SavedViews } from './saved-views'
import { writeSpairIndex } from './index-writer'

/** How many warnings travel in a job result; the rest are paged with `datasets.warnings`. */
export const RESULT_WARNINGS = 100

export type ImportContext = Pick<JobContext, 'progress' | 'throwIfCancelled'>

/** Data sets in the workspace index: imports run as jobs, reads answer from SQLite. */
export class DatasetsService {
  private readonly importing = new Set<string>()
  readonly views: SavedViews

  constructor(
    private readonly db: Db,
    private readonly jobs: JobManager,
  ) {
    this.views = new SavedViews(db)
  }

  /** Checks the root at once (a wrong folder is an error of the call, not of a job), then starts the job. */
  startImport(root: string, name?: string, format: DatasetFormat = 'spair', options?: Partial<CubSampling>): { jobId: string } {
    if (!isAbsolute(root)) throw new AppError('BAD_INPUT', `the root must be an absolute path, got ${root}`)
    const dir = resolve(root)
    assertRoot(format, dir)
    const sampling = samplingOf(format, options)
    const dsName = name ?? basename(dir)
    const valid = DatasetName.safeParse(dsName)
    if (!valid.success) throw new AppError('BAD_INPUT', `"${dsName}" cannot name a data set (${valid.error.issues[0]?.message}); pass a name`)
    if (this.importing.has(dsName)) throw new AppError('CONFLICT', `data set "${dsName}" is already being imported`)
    const before = findDataset(this.db, dsName)
    if (before && before.reader !== format) {
      throw new AppError('CONFLICT', `data set "${dsName}" holds a ${FORMAT_LABELS[before.reader]} import; give this ${FORMAT_LABELS[format]} tree another name`)
    }
    this.importing.add(dsName)
    const params = { root: dir, name: dsName, format, ...(sampling ? { sampling } : {}) }
    const jobId = this.jobs.start('datasets.import', `Import ${dsName} (${FORMAT_LABELS[format]})`, params, async (ctx) => {
      try {
        return await this.importTree(dir, dsName, ctx, format, sampling)
      } finally {
        this.importing.delete(dsName)
      }
    })
    return { jobId }
  }

  /**
   * Unchanged trees are recognised twice: by names, sizes and mtimes before anything is read
   * (fast), then by the content hash after reading (a touched or copied tree).
   */
  async importTree(root: string, name: string, ctx: ImportContext, format: DatasetFormat = 'spair', sampling: CubSampling | null = null): Promise<ImportResult> {
    const started = performance.now()
    const warnings: ImportWarning[] = []
    const warn = (file: string, field: string, message: string): void => {
      warnings.push({ file, field, message })
    }
    const finish = (status: ImportResult['status']): ImportResult => {
      const ds = requireDataset(this.db, name)
      const stored = status === 'unchanged' ? warningsPage(this.db, ds, 0, RESULT_WARNINGS).items : warnings.slice(0, RESULT_WARNINGS)
      return { name, status, summary: summarize(this.db, ds), warnings: stored, seconds: (performance.now() - started) / 1000 }
    }
    const keep = (fingerprint: string): ImportResult => {
      this.db.prepare('UPDATE datasets SET root = ?, fingerprint = ? WHERE name = ?').run(root, fingerprint, name)
      return finish('unchanged')
    }

    ctx.progress(0, null, 'files', 'scanning')
    const scan = await scanTree(format, root, warn, sampling)
    const before = findDataset(this.db, name)
    if (before?.fingerprint === scan.fingerprint) return keep(scan.fingerprint)

    let files = 0
    const data = await scan.read(warn, {
      progress: (done, total, message) => {
        files = total
        ctx.progress(done, total, 'files', message)
      },
      throwIfCancelled: () => ctx.throwIfCancelled(),
    })
    ctx.throwIfCancelled()
    if (before?.content_hash === data.contentHash) return keep(scan.fingerprint)
    ctx.progress(files, files, 'files', 'writing the index')
    const { created } = writeSpairIndex(this.db, {
      name,
      root,
      fingerprint: scan.fingerprint,
      segmentationRule: SEGMENTATION_RULE,
      reader: format,
      sampling,
      data,
      warnings,
    })
    return finish(created ? 'imported' : 'updated')
  }

  list(): DatasetSummary[] {
    return allDatasets(this.db).map((ds) => summarize(this.db, ds))
  }

  get(name: string): DatasetSummary {
    return summarize(this.db, requireDataset(this.db, name))
  }

  warnings(name: string, offset = 0, limit = Number.MAX_SAFE_INTEGER): Page<ImportWarning> {
    return warningsPage(this.db, requireDataset(this.db, name), offset, limit)
  }

  images(q: ParsedRequestOf<'datasets.images'>): Page<ImageItem> {
    return imagesPage(this.db, requireDataset(this.db, q.name), q)
  }

  pairs(q: ParsedRequestOf<'datasets.pairs'>): Page<PairItem> {
    return pairsPage(this.db, requireDataset(this.db, q.name), q)
  }

  tags(name: string): { tag: string; images: number }[] {
    return tagCounts(this.db, requireDataset(this.db, name).id)
  }

  image(q: ParsedRequestOf<'datasets.image'>): ImageDetail {
    return imageDetail(this.db, requireDataset(this.db, q.name), q.category, q.stem)
  }
}
