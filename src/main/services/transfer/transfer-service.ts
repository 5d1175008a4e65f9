import type { Point } from '../../../shared/ipc/channels/datasets'
import type { Heatmap } from '../../../shared/ipc/channels/transfer'
import { AppError } from '../../core/app-error'
import { nnMatch, sampleFeature, similarityMap } from '../../transfer/nn-match'
import { DEFAULT_NN_OPTIONS } from '../../transfer/nn-transfer'
import type { FeaturesService } from '../features/features-service'

export interface TransferRequest {
  dataset: string
  method: string
  source: { category: string; stem: string }
  target: { category: string; stem: string }
  points: Point[]
  heatmaps: boolean
}

/** Interactive keypoint transfer for the Transfer view: any two images, any points. */
export class TransferService {
  constructor(private readonly features: FeaturesService) {}

  async points(req: TransferRequest): Promise<{ method: string; predictions: (Point | null)[]; heatmaps: Heatmap[] | null }> {
    if (!req.method.startsWith('nn-')) {
      throw new AppError('BAD_INPUT', `interactive transfer supports nn-<backbone> methods; "${req.method}" is not one`)
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
}
