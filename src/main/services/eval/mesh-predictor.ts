import type { RanOn } from '../../../shared/device'
import { wrapAngle } from '../../engine/camera/view-camera'
import type { PairFit } from '../../engine/correspondence/hybrid-gate'
import { meshTransferWithSupport } from '../../engine/correspondence/mesh-transfer'
import type { SupportedTransfer } from '../../engine/correspondence/mesh-transfer'
import type { MeshFit } from '../../engine/infer/fit-image'
import type { TransferPair } from '../../transfer/transfer-method'
import type { JobContext } from '../jobs/job-manager'
import { MeshFits } from '../train/mesh-fits'
import { imageInputs } from '../train/training-inputs'
import type { ImageInput } from '../train/training-inputs'
import type { EvalPair } from './eval-pairs'
import type { MethodServices } from './resolve-method'

export interface MeshPredictor {
  category: string
  checkpoint: string
  inputs: Map<string, ImageInput>
  warnings: string[]
  /** Where the fits this call made ran (null: every fit came from the cache). */
  fitsRanOn: RanOn | null
  /** Mesh transfer of a pair's source keypoints with its support, points in the target's feature-crop pixels (null where it has no answer). */
  transferCrop(pair: TransferPair): SupportedTransfer[]
  /** What the pair's two fits say of it: how well the model explains both images, and how far apart their cameras look. */
  pairFit(pair: TransferPair): PairFit
  dispose(): void
}

/** The run's model, the images the given pairs use, and their fits (cached per checkpoint and image). */
export async function meshPredictor(runId: string, dataset: string, pairs: readonly EvalPair[], services: MethodServices, ctx?: JobContext): Promise<MeshPredictor> {
  const { model, checkpoint, config } = services.train.loadModel(runId)
  const keys = new Set(
    pairs.filter((p) => p.pair.category === config.category).flatMap(({ pair }) => [`${pair.category}/${pair.srcStem}`, `${pair.category}/${pair.trgStem}`]),
  )
  const { inputs, skipped } = await imageInputs(services.db, services.features, dataset, config.backbone, { keys }, ctx)
  const byKey = new Map(inputs.map((i) => [i.key, i]))
  const fits = new MeshFits(services.db, services.features, model, checkpoint, services.train.fitPool())
  // A first fit takes seconds: progress per image, and a cancel stops handing images out.
  let fitsRanOn: RanOn | null = null
  const fitted = await fits.fitAll([...byKey.values()], {
    onDevice: (ranOn) => (fitsRanOn = ranOn),
    progress: (done, total) => ctx?.progress(done, total, 'images', 'fitting meshes'),
    shouldStop: () => ctx?.signal.aborted ?? false,
  })
  ctx?.throwIfCancelled()
  const fitOf = (key: string): MeshFit | null => fitted.get(key) ?? null
  return {
    category: config.category,
    checkpoint,
    inputs: byKey,
    warnings: skipped.map((s) => `no mesh fit for ${s}`),
    fitsRanOn,
    transferCrop(pair) {
      const src = fitOf(pair.srcKey)
      const trg = fitOf(pair.trgKey)
      const srcT = byKey.get(pair.srcKey)?.entry.transform
      const trgT = byKey.get(pair.trgKey)?.entry.transform
      if (!src || !trg || !srcT || !trgT) return pair.srcKps.map(() => ({ point: null, onSurface: false, targetVisible: 0 }))
      // Fits work in their own crop frame (the mask's resolution); the features' crops are larger.
      const toFit = src.cropSize / srcT.size
      const fromFit = trgT.size / trg.cropSize
      const points = pair.srcKps.map((p) => {
        const [x, y] = srcT.toCrop(p)
        return [x * toFit, y * toFit] as const
      })
      return meshTransferWithSupport(src, trg, points).map((t) => ({ ...t, point: t.point ? [t.point[0] * fromFit, t.point[1] * fromFit] : null }))
    },
    pairFit(pair) {
      const src = fitOf(pair.srcKey)
      const trg = fitOf(pair.trgKey)
      if (!src || !trg) return { loss: Number.POSITIVE_INFINITY, azimuthGap: 0 }
      return { loss: Math.max(src.loss.total, trg.loss.total), azimuthGap: Math.abs(wrapAngle(src.pose.azimuth - trg.pose.azimuth)) }
    },
    dispose: () => fitted.clear(),
  }
}
