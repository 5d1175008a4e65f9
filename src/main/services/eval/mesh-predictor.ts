import type { RanOn } from '../../../shared/device'
import { wrapAngle } from '../../engine/camera/view-camera'
import type { PairFit } from '../../engine/correspondence/hybrid-gate'
import { meshTransferPairings, meshTransferWithSupport } from '../../engine/correspondence/mesh-transfer'
import type { SupportedTransfer } from '../../engine/correspondence/mesh-transfer'
import { rankedFits } from '../../engine/infer/fit-image'
import { frameFits } from '../../engine/infer/frame-fits'
import type { MeshFit } from '../../engine/infer/fit-image'
import { categoryForward } from '../../engine/model/category-model'
import type { CategoryShape } from '../../engine/model/category-model'
import type { TransferPair } from '../../transfer/transfer-method'
import type { JobContext } from '../jobs/job-manager'
import { MeshFits } from '../train/mesh-fits'
import { imageInputs } from '../train/training-inputs'
import type { ImageInput } from '../train/training-inputs'
import type { EvalPair } from './eval-pairs'
import type { MethodServices } from './resolve-method'

/** A pair's transfer with the target's fit in one frame, and what the two fits say of the pair in it. */
export interface FramedTransfer {
  transfers: SupportedTransfer[]
  fit: PairFit
}

export interface MeshPredictor {
  category: string
  checkpoint: string
  inputs: Map<string, ImageInput>
  warnings: string[]
  /** Where the fits this call made ran (null: every fit came from the cache). */
  fitsRanOn: RanOn | null
  /** Mesh transfer of a pair's source keypoints with its support, points in the target's feature-crop pixels (null where it has no answer). */
  transferCrop(pair: TransferPair): SupportedTransfer[]
  /**
   * Each source keypoint's mesh transfers under every pairing of the two images' k best camera
   * hypotheses (k = 1: the kept fits' one point), target feature-crop pixels. Needs a predictor
   * made with `hypotheses`; its `hypothesisGap` passes over hypotheses that converged onto a better one.
   */
  transferCropHypotheses(pair: TransferPair, k: number): [number, number][][]
  /**
   * transferCrop and pairFit with the target's fit seen in each of FIT_FRAMES (the first: as
   * fitted), frame by frame: the support (visibility) and the azimuth gap are that frame's. Needs
   * a predictor made with `hypotheses` (the fits' codes).
   */
  transferCropFrames(pair: TransferPair): FramedTransfer[]
  /** What the pair's two fits say of it: how well the model explains both images, and how far apart their cameras look. */
  pairFit(pair: TransferPair): PairFit
  dispose(): void
}

/**
 * The run's model, the images the given pairs use, and their fits (cached per checkpoint and
 * image). `hypotheses`: the fits keep their ranked camera hypotheses (older cached fits are fitted
 * again); `hypothesisGap` (radians): the azimuth by which the hypotheses a prior mixes must differ.
 */
export async function meshPredictor(
  runId: string,
  dataset: string,
  pairs: readonly EvalPair[],
  services: MethodServices,
  ctx?: JobContext,
  options: { hypotheses?: boolean; hypothesisGap?: number } = {},
): Promise<MeshPredictor> {
  const { model, checkpoint, config } = services.train.loadModel(runId)
  const keys = new Set(
    pairs.filter((p) => p.pair.category === config.category).flatMap(({ pair }) => [`${pair.category}/${pair.srcStem}`, `${pair.category}/${pair.trgStem}`]),
  )
  const { inputs, skipped } = await imageInputs(services.db, services.features, dataset, config.backbone, { keys }, ctx, { colour: model.config.appearance > 0 })
  const byKey = new Map(inputs.map((i) => [i.key, i]))
  const fits = new MeshFits(services.db, services.features, model, checkpoint, services.train.fitPool())
  // A first fit takes seconds: progress per image, and a cancel stops handing images out.
  let fitsRanOn: RanOn | null = null
  const fitted = await fits.fitAll([...byKey.values()], {
    onDevice: (ranOn) => (fitsRanOn = ranOn),
    progress: (done, total) => ctx?.progress(done, total, 'images', 'fitting meshes'),
    shouldStop: () => ctx?.signal.aborted ?? false,
    requireHypotheses: options.hypotheses === true,
  })
  ctx?.throwIfCancelled()
  const fitOf = (key: string): MeshFit | null => fitted.get(key) ?? null
  let shape: CategoryShape | null = null
  const ranked = new Map<string, MeshFit[]>()
  /** An image's k best hypotheses as fits, drawn once per image at the largest k asked. */
  const rankedOf = (key: string, k: number): MeshFit[] | null => {
    const fit = fitOf(key)
    if (!fit) return null
    let fits = ranked.get(key)
    if (!fits || fits.length < Math.min(k, fit.hypotheses?.ranked.length ?? 1)) {
      shape ??= categoryForward(model)
      ranked.set(key, (fits = rankedFits(model, shape, fit, k, options.hypothesisGap ?? 0)))
    }
    return fits.slice(0, k)
  }
  const framed = new Map<string, MeshFit[]>()
  const framesOf = (key: string): MeshFit[] | null => {
    const fit = fitOf(key)
    if (!fit) return null
    let fits = framed.get(key)
    if (!fits) {
      shape ??= categoryForward(model)
      framed.set(key, (fits = frameFits(model, shape, fit)))
    }
    return fits
  }
  /** A pair's source keypoints in the source fit's crop frame, and the factor from the target fit's frame to the target's feature crop. */
  const frames = (pair: TransferPair, src: MeshFit, trg: MeshFit) => {
    const srcT = byKey.get(pair.srcKey)?.entry.transform
    const trgT = byKey.get(pair.trgKey)?.entry.transform
    if (!srcT || !trgT) return null
    // Fits work in their own crop frame (the mask's resolution); the features' crops are larger.
    const toFit = src.cropSize / srcT.size
    const points = pair.srcKps.map((p) => {
      const [x, y] = srcT.toCrop(p)
      return [x * toFit, y * toFit] as const
    })
    return { points, fromFit: trgT.size / trg.cropSize }
  }
  return {
    category: config.category,
    checkpoint,
    inputs: byKey,
    warnings: skipped.map((s) => `no mesh fit for ${s}`),
    fitsRanOn,
    transferCrop(pair) {
      const src = fitOf(pair.srcKey)
      const trg = fitOf(pair.trgKey)
      const f = src && trg ? frames(pair, src, trg) : null
      if (!src || !trg || !f) return unsupported(pair)
      return toFeatureCrop(meshTransferWithSupport(src, trg, f.points), f.fromFit)
    },
    transferCropHypotheses(pair, k) {
      const src = rankedOf(pair.srcKey, k)
      const trg = rankedOf(pair.trgKey, k)
      const f = src && trg ? frames(pair, src[0]!, trg[0]!) : null
      if (!src || !trg || !f) return pair.srcKps.map(() => [])
      return meshTransferPairings(src, trg, f.points).map((points) => points.map(([x, y]): [number, number] => [x * f.fromFit, y * f.fromFit]))
    },
    transferCropFrames(pair) {
      const src = fitOf(pair.srcKey)
      const trg = framesOf(pair.trgKey)
      const f = src && trg ? frames(pair, src, trg[0]!) : null
      if (!src || !trg || !f) return [{ transfers: unsupported(pair), fit: NO_PAIR_FIT }]
      return trg.map((t) => ({ transfers: toFeatureCrop(meshTransferWithSupport(src, t, f.points), f.fromFit), fit: pairFitOf(src, t) }))
    },
    pairFit(pair) {
      const src = fitOf(pair.srcKey)
      const trg = fitOf(pair.trgKey)
      return src && trg ? pairFitOf(src, trg) : NO_PAIR_FIT
    },
    dispose: () => {
      fitted.clear()
      ranked.clear()
      framed.clear()
    },
  }
}

/** A pair's keypoints without a mesh answer. */
const unsupported = (pair: TransferPair): SupportedTransfer[] => pair.srcKps.map(() => ({ point: null, onSurface: false, targetVisible: 0 }))

/** Transfers from a fit's crop frame to the target's feature crop (`fromFit` pixels per fit pixel). */
const toFeatureCrop = (transfers: readonly SupportedTransfer[], fromFit: number): SupportedTransfer[] =>
  transfers.map((t) => ({ ...t, point: t.point ? [t.point[0] * fromFit, t.point[1] * fromFit] : null }))

/** What a pair without both fits has: no fit loss to pass a limit, no azimuth gap. */
const NO_PAIR_FIT: PairFit = { loss: Number.POSITIVE_INFINITY, azimuthGap: 0 }

/** The worse of the two fits' losses and the angle between their cameras' azimuths. */
const pairFitOf = (src: MeshFit, trg: MeshFit): PairFit => ({
  loss: Math.max(src.loss.total, trg.loss.total),
  azimuthGap: Math.abs(wrapAngle(src.pose.azimuth - trg.pose.azimuth)),
})
