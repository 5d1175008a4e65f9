import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import type { ExportResult } from '../../../shared/ipc/channels/datasets'
import { AppError } from '../../core/app-error'
import { removeQuietly } from '../../core/atomic-write'
import { isStorageError, storageError } from '../../core/storage-error'
import type { Db } from '../../store/migration'
import { requireDataset } from '../datasets/dataset-queries'
import type { JobContext, JobManager } from '../jobs/job-manager'
import { loadCurated } from '../curation/load-curated'
import { writeCoco } from './write-coco'
import { writeSpair } from './write-spair'

/**
 * Writes a curated data set back out (SPair-71k layout plus COCO keypoints). The tree is built
 * in a sibling temporary folder and renamed into place at the end, so an interrupted export
 * never leaves a half-written tree under the requested name; an existing non-empty folder is
 * never overwritten.
 */
export class ExportService {
  constructor(
    private readonly db: Db,
    private readonly jobs: JobManager,
  ) {}

  startExport(name: string, out: string): { jobId: string } {
    requireDataset(this.db, name)
    if (!isAbsolute(out)) throw new AppError('BAD_INPUT', `out must be an absolute path, got "${out}"`)
    if (existsSync(out) && readdirSync(out).length > 0) {
      throw new AppError('CONFLICT', `${out} exists and is not empty; choose a new folder`)
    }
    const jobId = this.jobs.start('datasets.export', `Export ${name}`, { name, out }, (ctx) => this.run(name, out, ctx))
    return { jobId }
  }

  private async run(name: string, out: string, ctx: JobContext): Promise<ExportResult> {
    const ds = requireDataset(this.db, name)
    const data = loadCurated(this.db, ds)
    const partial = `${out}.partial-${process.pid}`
    rmSync(partial, { recursive: true, force: true })
    const total = data.images.size
    let done = 0
    try {
      const spair = writeSpair(data, ds.root, partial, name, () => {
        ctx.throwIfCancelled()
        ctx.progress(++done, total, 'images')
      })
      const coco = writeCoco(data, partial, name)
      writeFileSync(
        join(partial, 'README'),
        [
          `SEMAGIC studio export of data set "${name}"`,
          `source: ${ds.root} (content ${ds.content_hash})`,
          `exported: ${new Date().toISOString()}`,
          'Curation edits applied; excluded images and pairs left out; pair files regenerated from the',
          'curated image annotations (rows = keypoint ids visible in both images). Keypoints marked invisible',
          'are null here and v=1 in coco_keypoints.json.',
          '',
        ].join('\n'),
      )
      if (existsSync(out)) rmSync(out, { recursive: true }) // empty, checked at start
      renameSync(partial, out)
      return { name, out, images: spair.images, pairs: spair.pairs, droppedPairs: spair.droppedPairs, coco }
    } catch (error) {
      removeQuietly(partial)
      // Disk full or a read-only destination: said plainly, and no partial tree is left.
      throw isStorageError(error) ? storageError(error, out) : error
    }
  }
}
