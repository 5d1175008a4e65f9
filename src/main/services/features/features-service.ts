import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { DeviceChoice } from '../../../shared/device'
import type { ExtractSummary } from '../../../shared/ipc/channels/features'
import { AppError } from '../../core/app-error'
import { BACKBONE_IDS } from '../../features/backbones/create-backbone'
import { settingsHash } from '../../features/backbones/settings-hash'
import type { BackboneOptions, FeatureMap } from '../../features/backbones/types'
import type { FeatureEntry } from '../../features/cache/feature-entry'
import { readFeatureFile, writeFeatureFile } from '../../features/cache/feature-file'
import type { ExtractTask } from '../../features/extract/extract-task'
import { onnxProvidersFor } from '../../features/backbones/onnx-providers'
import { createExtractor } from '../../features/extract/extractor'
import { ensureHfModel } from '../../features/hub/hf-model'
import { isHfName, parseHfName } from '../../features/hub/hf-name'
import { HubError } from '../../features/hub/hub-download'
import type { BBox } from '../../images/crop-square'
import { squareCropTransform } from '../../images/crop-square'
import type { Db } from '../../store/migration'
import { loadCurated } from '../curation/load-curated'
import { requireDataset } from '../datasets/dataset-queries'
import type { JobContext, JobManager } from '../jobs/job-manager'
import { fileSha1 } from './file-hash'

/** Crops are squares around the (curated) box with 10 % margin, as METHOD.md §9 measured. */
export const CROP_MARGIN = 0.1

export interface FeatureSet {
  summary: ExtractSummary
  /** By `category/stem`; images that failed are absent. */
  entries: Map<string, FeatureEntry>
}

export interface FeaturesServiceOptions {
  dataDir: string
  /** The built worker entry (out/main/feature-worker.js); absent in source checkouts. */
  workerFile: string
  workers: number
  /** Where ONNX backbones run (onnxProvidersFor); absent: onnxruntime's CUDA where installed, else its CPU provider. */
  device?: () => DeviceChoice
}

const cropKey = (bbox: BBox, size: number): string =>
  `sq${CROP_MARGIN}:${bbox.map((v) => v.toFixed(2)).join(',')}:${size}`

/**
 * Dense features of a data set's images, computed once per (backbone settings, image
 * content, crop) and cached as float16 files indexed in SQLite.
 */
export class FeaturesService {
  constructor(
    private readonly db: Db,
    private readonly jobs: JobManager,
    private readonly options: FeaturesServiceOptions,
  ) {}

  startExtract(name: string, backbone: string, backboneOptions: BackboneOptions): { jobId: string } {
    requireDataset(this.db, name)
    if (isHfName(backbone)) {
      try {
        parseHfName(backbone)
      } catch (error) {
        throw new AppError('BAD_INPUT', (error as Error).message)
      }
    } else if (!(BACKBONE_IDS as readonly string[]).includes(backbone) && !backbone.toLowerCase().endsWith('.onnx')) {
      throw new AppError('BAD_INPUT', `unknown backbone '${backbone}': use one of ${BACKBONE_IDS.join(', ')}, hf:<org>/<name>, or a path to an .onnx file`)
    }
    const jobId = this.jobs.start('features.extract', `Features of ${name} (${backbone})`, { name, backbone, ...backboneOptions }, async (ctx) =>
      (await this.ensure(name, backbone, backboneOptions, ctx)).summary,
    )
    return { jobId }
  }

  /**
   * Features of the data set's images (all, or those `only` names by `category/stem`),
   * computing only what the cache lacks.
   */
  async ensure(
    name: string,
    backbone: string,
    backboneOptions: BackboneOptions,
    ctx?: JobContext,
    only?: ReadonlySet<string>,
  ): Promise<FeatureSet> {
    const started = Date.now()
    const ds = requireDataset(this.db, name)
    const images = [...loadCurated(this.db, ds).images.values()].filter((i) => !only || only.has(`${i.category}/${i.stem}`))
    const concrete = isHfName(backbone) ? await this.fetchHf(backbone, ctx) : backbone
    let extractor
    try {
      // The handmade descriptor runs no ONNX: no adapter is looked for on its behalf.
      const device = concrete === 'handmade' ? undefined : this.options.device?.()
      extractor = await createExtractor(concrete, backboneOptions, {
        workers: this.options.workers,
        workerFile: this.options.workerFile,
        modelDir: join(this.options.dataDir, 'cache', 'models'),
        ...(device === undefined ? {} : { providers: await onnxProvidersFor(device) }),
      })
    } catch (error) {
      throw new AppError('BAD_INPUT', (error as Error).message)
    }
    try {
      const info = extractor.info
      const hash = extractor.settingsHash
      const dir = join(this.options.dataDir, 'cache', 'features', hash)
      mkdirSync(dir, { recursive: true })
      const find = this.db.prepare('SELECT file FROM feature_cache WHERE backbone_hash = ? AND image_hash = ? AND crop_key = ?')
      const insert = this.db.prepare(
        `INSERT OR REPLACE INTO feature_cache (backbone_hash, backbone_id, image_hash, crop_key, file, channels, height, width, stride, bytes, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      const entries = new Map<string, FeatureEntry>()
      const todo: (ExtractTask & { imageHash: string; crop: string; entry: FeatureEntry })[] = []
      const failed: ExtractSummary['failed'] = []
      for (const img of images) {
        const key = `${img.category}/${img.stem}`
        const path = join(ds.root, img.file)
        const bbox: BBox = img.bbox ?? [0, 0, img.width, img.height]
        let imageHash: string
        try {
          imageHash = fileSha1(this.db, path)
        } catch (error) {
          failed.push({ image: key, message: `${path}: ${(error as Error).message}` })
          continue
        }
        const crop = cropKey(bbox, info.inputSize)
        const entry = { file: '', bbox, transform: squareCropTransform(bbox, CROP_MARGIN, info.inputSize) }
        const cached = find.get(hash, imageHash, crop) as { file: string } | undefined
        if (cached) entries.set(key, { ...entry, file: join(this.options.dataDir, cached.file) })
        else todo.push({ key, path, bbox, margin: CROP_MARGIN, imageHash, crop, entry })
      }
      const byKey = new Map(todo.map((t) => [t.key, t]))
      let done = 0
      ctx?.progress(0, todo.length, 'images', `${images.length - todo.length} cached`)
      await extractor.run(
        todo,
        (outcome) => {
          const task = byKey.get(outcome.key)!
          if ('error' in outcome) failed.push({ image: outcome.key, message: outcome.error })
          else {
            const relative = join('cache', 'features', hash, `${task.imageHash}-${settingsHash({ crop: task.crop })}.f16`)
            const bytes = writeFeatureFile(join(this.options.dataDir, relative), outcome.map)
            const m = outcome.map
            insert.run(hash, info.id, task.imageHash, task.crop, relative, m.channels, m.height, m.width, m.stride, bytes, new Date().toISOString())
            entries.set(task.key, { ...task.entry, file: join(this.options.dataDir, relative) })
          }
          ctx?.progress(++done, todo.length, 'images')
        },
        ctx?.signal,
      )
      ctx?.throwIfCancelled()
      const seconds = (Date.now() - started) / 1000
      const computed = todo.length - failed.filter((f) => byKey.has(f.image)).length
      return {
        entries,
        summary: {
          dataset: name,
          backbone: info.id,
          settingsHash: hash,
          backend: info.backend,
          inputSize: info.inputSize,
          channels: info.channels,
          grid: info.grid,
          images: images.length,
          computed,
          cached: images.length - todo.length - failed.filter((f) => !byKey.has(f.image)).length,
          failed,
          seconds,
          imagesPerSecond: computed > 0 ? computed / seconds : null,
        },
      }
    } finally {
      await extractor.dispose()
    }
  }

  /**
   * Fetches an `hf:` model into the hub's cache here, with progress in MB and cancel, and
   * returns its name pinned to the commit, so that the workers find it in the cache unasked.
   */
  private async fetchHf(backbone: string, ctx?: JobContext): Promise<string> {
    // MB with one decimal: what the CLI line and the job bar print.
    const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10
    try {
      const hf = await ensureHfModel(backbone, {
        ...(ctx ? { signal: ctx.signal } : {}),
        onProgress: (done, total) => ctx?.progress(mb(done), total === null ? null : mb(total), 'MB', `downloading ${backbone}`),
      })
      return hf.pinned
    } catch (error) {
      if (error instanceof HubError) throw new AppError(error.kind === 'cancelled' ? 'CANCELLED' : 'BAD_INPUT', error.message)
      throw new AppError('BAD_INPUT', (error as Error).message)
    }
  }

  load(entry: FeatureEntry): FeatureMap {
    return readFeatureFile(entry.file)
  }

  cache(): { backbone: string; settingsHash: string; files: number; bytes: number }[] {
    return (
      this.db
        .prepare(
          `SELECT backbone_id AS backbone, backbone_hash AS settingsHash, COUNT(*) AS files, SUM(bytes) AS bytes
           FROM feature_cache GROUP BY backbone_hash ORDER BY backbone_id`,
        )
        .all() as { backbone: string; settingsHash: string; files: number; bytes: number }[]
    )
  }

  clear(settingsHash: string): { files: number; bytes: number } {
    const row = this.db
      .prepare('SELECT COUNT(*) AS files, COALESCE(SUM(bytes), 0) AS bytes FROM feature_cache WHERE backbone_hash = ?')
      .get(settingsHash) as { files: number; bytes: number }
    // Rows first: a crash between the two leaves orphan files, never rows that point nowhere.
    this.db.prepare('DELETE FROM feature_cache WHERE backbone_hash = ?').run(settingsHash)
    if (/^[0-9a-f]+$/i.test(settingsHash)) rmSync(join(this.options.dataDir, 'cache', 'features', settingsHash), { recursive: true, force: true })
    return row
  }
}

