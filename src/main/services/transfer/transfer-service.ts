import type { Point } from '../../../shared/ipc/channels/datasets'
import type { Heatmap } from '../../../shared/ipc/channels/transfer'
import { AppError } from '../../core/app-error'
import { nnMatch, sampleFeature, similarityMap } from '../../transfer/nn-match'
import { DEFAULT_NN_OPTIONS } from '../../transfer/nn-transfer'
import type { FeaturesService } from '../features/features-service'
import type { Db } from '../../store/migration'
import type { TrainService } from '../train/train-service'
import { imageDetail, requireDataset } from '../datasets/dataset-queries'
import type { EvalPair } from '../eval/eval-pairs'
import { resolveMethod, transferPairOf } from '../eval/resolve-method'

export interface TransferRequest {
  dataset: string
  method: string
  source: { category: string; stem: string }
  target: { category: string; stem: string }
  points: Point[]
  heatmaps: boolean
}

export interface TransferAnswer {
  method: string
  predictions: (Point | null)[]
  heatmaps: Heatmap[] | null
}

/** Interactive keypoint transfer for the Transfer view: any two images, any points. */
export class TransferService {
  constructor(
    private readonly features: FeaturesService,
    /** Trained models (`mesh:<run>`, `hybrid:<run>`) need the store and the runs; without them only NN answers. */
    private readonly models?: { db: Db; train: TrainService },
  ) {}

  async points(req: TransferRequest): Promise<TransferAnswer> {
    if ((req.method.startsWith('mesh:') || req.method.startsWith('hybrid:')) && this.models) return this.modelPoints(req, this.models)
    if (!req.method.startsWith('nn-')) {
      throw new AppError('BAD_INPUT', `interactive transfer supports nn-<backbone>, mesh:<run> and hybrid:<run> methods; "${req.method}" is not one`)
    }
    const srcKey = `${req.source.category}/${req.source.stem}`
    const trgKey = `${req.target.category}/${req.target.stem}`
    const set = await this.features.ensure(req.dataset, req.method.slice(3), {}, undefined, new Set([srcKey, trgKey]))
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
    const [x1, y1, x2, y2] = trgEntry.bbox
    const [rx1, ry1] = t.toCrop([x1, y1])
    const [rx2, ry2] = t.toCrop([x2, y2])
    const matches = nnMatch(src, crops, trg, { ...DEFAULT_NN_OPTIONS, region: [rx1, ry1, rx2, ry2] })
    const heatmaps = req.heatmaps
      ? crops.map(([x, y]) => ({
          width: trg.width,
          height: trg.height,
          values: [...similarityMap(trg, sampleFeature(src, x, y))],
          crop: { x: t.offsetX, y: t.offsetY, side: t.size / t.scale },
        }))
      : null
    return { method: req.method, predictions: matches.map((p) => t.toImage(p)), heatmaps }
  }

  /**
   * `mesh:<run>` and `hybrid:<run>` between any two images of the run's category, through the
   * same resolution as an evaluation (fits cached per checkpoint and image; the hybrid's weight
   * chosen on the val pairs), with the clicked points as the source keypoints of a one-off pair.
   */
  private async modelPoints(req: TransferRequest, models: { db: Db; train: TrainService }): Promise<TransferAnswer> {
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
      },
    }
    const { method } = await resolveMethod(req.method, req.dataset, [pair], { db: models.db, features: this.features, train: models.train })
    try {
      return { method: req.method, predictions: await method.transfer(transferPairOf(pair)), heatmaps: null }
    } finally {
      await method.dispose()
    }
  }
}
