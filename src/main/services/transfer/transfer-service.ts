import type { Point } from '../../../shared/ipc/channels/datasets'
import type { Heatmap } from '../../../shared/ipc/channels/transfer'
import { AppError } from '../../core/app-error'
import type { EventHub } from '../../core/event-hub'
import { nnMatch } from '../../transfer/nn-match'
import { DEFAULT_NN_OPTIONS } from '../../transfer/nn-transfer'
import { cropRegion, similarityHeatmap } from '../../transfer/score-heatmap'
import { createJobContext } from '../jobs/job-manager'
import type { JobContext } from '../jobs/job-manager'
import type { FeaturesService } from '../features/features-service'
import type { Db } from '../../store/migration'
import type { TrainService } from '../train/train-service'
import { imageDetail, requireDataset } from '../datasets/dataset-queries'
import type { EvalPair } from '../eval/eval-pairs'
import { resolveMethod } from '../eval/resolve-method'
import { transferPairOf } from '../eval/eval-pairs'
import { isHybridMethod } from '../../../shared/eval/hybrid-kinds'

export interface TransferRequest {
  dataset: string
  method: string
  source: { category: string; stem: string }
  target: { category: string; stem: string }
  points: Point[]
  heatmaps: boolean
  requestId?: string | undefined
}

export interface TransferAnswer {
  method: string
  predictions: (Point | null)[]
  heatmaps: Heatmap[] | null
}

/** How often a call's progress is sent: the view's bar moves smoothly without flooding the socket. */
const PROGRESS_EVERY_MS = 200

/**
 * Interactive keypoint transfer for the Transfer view: any two images, any points. A call that
 * names itself (requestId) can take seconds (features to compute, meshes to fit), so it is
 * followed and cancelled like a job, without a row in the jobs table: clicks are many and short.
 */
export class TransferService {
  private readonly running = new Map<string, AbortController>()

  constructor(
    private readonly features: FeaturesService,
    /** Trained models (`mesh:<run>`, `hybrid:<run>`) need the store and the runs; without them only NN answers. */
    private readonly models?: { db: Db; train: TrainService },
    /** Where transfer.progress events go; without it progress is dropped. */
    private readonly hub?: EventHub,
  ) {}

  async points(req: TransferRequest): Promise<TransferAnswer> {
    const { requestId } = req
    if (requestId === undefined) return this.answer(req)
    if (this.running.has(requestId)) throw new AppError('CONFLICT', `transfer ${requestId} is already running`)
    const controller = new AbortController()
    this.running.set(requestId, controller)
    const ctx = createJobContext(controller.signal, PROGRESS_EVERY_MS, (progress) => this.hub?.emit('transfer.progress', { requestId, method: req.method, progress }))
    try {
      return await this.answer(req, ctx)
    } finally {
      this.running.delete(requestId)
    }
  }

  /** False when no call of that id is running (it has finished, or never started). */
  cancel(requestId: string): boolean {
    const controller = this.running.get(requestId)
    controller?.abort()
    return controller !== undefined
  }

  private async answer(req: TransferRequest, ctx?: JobContext): Promise<TransferAnswer> {
    if ((req.method.startsWith('mesh:') || isHybridMethod(req.method)) && this.models) return this.modelPoints(req, this.models, ctx)
    if (!req.method.startsWith('nn-')) {
      throw new AppError('BAD_INPUT', `interactive transfer supports nn-<backbone>, mesh:<run> and hybrid:<run> (or a hybrid ablation such as hybrid-topk:<run>) methods; "${req.method}" is not one`)
    }
    const srcKey = `${req.source.category}/${req.source.stem}`
    const trgKey = `${req.target.category}/${req.target.stem}`
    const set = await this.features.ensure(req.dataset, req.method.slice(3), {}, ctx, new Set([srcKey, trgKey]))
    ctx?.throwIfCancelled()
    const srcEntry = set.entries.get(srcKey)
    const trgEntry = set.entries.get(trgKey)
    if (!srcEntry || !trgEntry) {
      const failed = set.summary.failed.map((f) => `${f.image}: ${f.message}`).join('; ')
      throw new AppError('NOT_FOUND', `no features for ${srcEntry ? trgKey : srcKey}${failed ? ` (${failed})` : ''}`)
    }
    const src = this.features.load(srcEntry)
    const trg = this.features.load(trgEntry)
    const crops = req.points.map((p) => srcEntry.transform.toCrop(p))
    const t = trgEntry.transform
    const matches = nnMatch(src, crops, trg, { ...DEFAULT_NN_OPTIONS, region: cropRegion(t, trgEntry.bbox) })
    const heatmaps = req.heatmaps ? crops.map((p) => similarityHeatmap(src, p, trg, t)) : null
    return { method: req.method, predictions: matches.map((p) => t.toImage(p)), heatmaps }
  }

  /**
   * `mesh:<run>` and `hybrid:<run>` between any two images of the run's category, through the
   * same resolution as an evaluation (fits cached per checkpoint and image; the hybrid's weight
   * chosen on the val pairs), with the clicked points as the source keypoints of a one-off pair.
   */
  private async modelPoints(req: TransferRequest, models: { db: Db; train: TrainService }, ctx?: JobContext): Promise<TransferAnswer> {
    const ds = requireDataset(models.db, req.dataset)
    const src = imageDetail(models.db, ds, req.source.category, req.source.stem)
    const trg = imageDetail(models.db, ds, req.target.category, req.target.stem)
    const config = models.train.config(req.method.slice(req.method.indexOf(':') + 1))
    for (const image of [src, trg]) {
      if (image.category !== config.category) {
        throw new AppError('BAD_INPUT', `${req.method} models ${config.category}; ${image.category}/${image.stem} is not one`)
      }
    }
    const pair: EvalPair = {
      trgSize: [trg.width, trg.height],
      pair: {
        split: 'test',
        name: `interactive:${src.stem}>${trg.stem}`,
        file: '',
        pairId: 0,
        category: config.category,
        srcStem: src.stem,
        trgStem: trg.stem,
        srcBbox: src.bbox,
        trgBbox: trg.bbox,
        flags: { mirror: null, viewpointVariation: null, scaleVariation: null, truncation: null, occlusion: null },
        kpsIds: req.points.map((_, i) => i),
        srcKps: req.points,
        trgKps: [],
        excluded: false,
        pairExcluded: false,
      },
    }
    const { method } = await resolveMethod(req.method, req.dataset, [pair], { db: models.db, features: this.features, train: models.train }, ctx)
    try {
      const one = transferPairOf(pair)
      const predictions = await method.transfer(one)
      const maps = req.heatmaps && method.scoreMaps ? await method.scoreMaps(one) : null
      return { method: req.method, predictions, heatmaps: maps && maps.every((m) => m !== null) ? (maps as Heatmap[]) : null }
    } finally {
      await method.dispose()
    }
  }
}
