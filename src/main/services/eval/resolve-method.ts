import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import type { Point } from '../../../shared/ipc/channels/datasets'
import { AppError } from '../../core/app-error'
import { readPredictionsJsonl } from '../../eval/predictions-jsonl'
import { createNnTransfer, DEFAULT_NN_OPTIONS } from '../../transfer/nn-transfer'
import type { TransferMethod, TransferPair } from '../../transfer/transfer-method'
import type { JobContext } from '../jobs/job-manager'
import type { MeshFit } from '../../engine/infer/fit-image'
import { meshTransfer } from '../../engine/correspondence/mesh-transfer'
import type { Db } from '../../store/migration'
import type { TrainService } from '../train/train-service'
import { MeshFits } from '../train/mesh-fits'
import { imageInputs } from '../train/training-inputs'
import type { ImageInput } from '../train/training-inputs'
import { hybridRefine } from '../../engine/correspondence/hybrid-refine'
import { cropRegion, hybridHeatmap } from '../../transfer/score-heatmap'
import type { FeatureMap } from '../../features/backbones/types'
import { PCK_CONVENTIONS } from '../../../shared/eval/pck-conventions'
import { evaluatePck } from '../../../shared/eval/pck-report'
import { scoredPairOf } from '../../../shared/eval/scored-pair'
import { requireDataset } from '../datasets/dataset-queries'
import { evalPairs } from './eval-pairs'
import type { FeaturesService } from '../features/features-service'
import type { EvalPair } from './eval-pairs'

export interface ResolvedMethod {
  method: TransferMethod
  /** Problems the method reported while loading (e.g. bad prediction lines), shown with the report. */
  warnings: string[]
  /** A category model answers for its own category only: the evaluation is restricted to it. */
  category?: string
}

export interface MethodServices {
  db: Db
  features: FeaturesService
  train: TrainService
}

/**
 * A method name as the CLI and the studio write it: `nn-<backbone>` (pretrained, mobilenetv2,
 * inceptionv3, handmade or a path to an .onnx file) or `predictions:<file.jsonl>`. Trained
 * models (`mesh:<run>`, `hybrid:<run>`) plug in here once the engine exists.
 */
export async function resolveMethod(
  name: string,
  dataset: string,
  pairs: readonly EvalPair[],
  services: MethodServices,
  ctx?: JobContext,
): Promise<ResolvedMethod> {
  const { features } = services
  if (name.startsWith('nn-')) {
    const backbone = name.slice(3)
    const used = new Set(pairs.flatMap(({ pair }) => [`${pair.category}/${pair.srcStem}`, `${pair.category}/${pair.trgStem}`]))
    const set = await features.ensure(dataset, backbone, {}, ctx, used)
    const key = `nn:${set.summary.settingsHash}:${JSON.stringify(DEFAULT_NN_OPTIONS)}`
    const warnings = set.summary.failed.map((f) => `no features for ${f.image}: ${f.message}`)
    return { method: createNnTransfer(name, key, set.entries, (e) => features.load(e)), warnings }
  }
  if (name.startsWith('predictions:')) {
    const file = name.slice('predictions:'.length)
    if (!isAbsolute(file)) throw new AppError('BAD_INPUT', `predictions file must be an absolute path, got "${file}"`)
    let bytes: Buffer
    try {
      bytes = readFileSync(file)
    } catch (error) {
      throw new AppError('BAD_INPUT', `${file}: ${(error as Error).message}`)
    }
    const expected = new Map(pairs.map((p) => [`${p.pair.split}/${p.pair.name}`, p.pair.trgKps.length]))
    const read = await readPredictionsJsonl(file, expected)
    const warnings = read.errors.map((e) => `${e.file}:${e.line} [${e.field}] ${e.message}`)
    const key = `predictions:${createHash('sha1').update(bytes).digest('hex')}`
    return {
      warnings,
      method: {
        id: name,
        key,
        transfer: async (pair) => (read.predictions.get(`${pair.split}/${pair.name}`) ?? pair.srcKps.map(() => null)) as (Point | null)[],
        dispose: async () => {},
      },
    }
  }
  if (name.startsWith('mesh:')) return meshMethod(name, name.slice('mesh:'.length), dataset, pairs, services, ctx)
  if (name.startsWith('hybrid:')) return hybridMethod(name, name.slice('hybrid:'.length), dataset, pairs, services, ctx)
  throw new AppError('BAD_INPUT', `unknown method "${name}": use nn-<backbone> (e.g. nn-pretrained, nn-handmade), mesh:<training run id>, hybrid:<training run id> or predictions:<absolute path to .jsonl>`)
}

interface MeshPredictor {
  category: string
  checkpoint: string
  inputs: Map<string, ImageInput>
  warnings: string[]
  /** Mesh transfer of a pair's source keypoints, in the target's feature-crop pixels (null where it has no answer). */
  predictCrop(pair: TransferPair): ((readonly [number, number]) | null)[]
  dispose(): void
}

/** The run's model, the images the given pairs use, and their fits (cached per checkpoint and image). */
async function meshPredictor(runId: string, dataset: string, pairs: readonly EvalPair[], services: MethodServices, ctx?: JobContext): Promise<MeshPredictor> {
  const { model, checkpoint, config } = services.train.loadModel(runId)
  const keys = new Set(
    pairs.filter((p) => p.pair.category === config.category).flatMap(({ pair }) => [`${pair.category}/${pair.srcStem}`, `${pair.category}/${pair.trgStem}`]),
  )
  const { inputs, skipped } = await imageInputs(services.db, services.features, dataset, config.backbone, { keys }, ctx)
  const byKey = new Map(inputs.map((i) => [i.key, i]))
  const fits = new MeshFits(services.db, services.features, model, checkpoint, services.train.fitPool())
  // A first fit takes seconds: progress per image, and a cancel stops handing images out.
  const fitted = await fits.fitAll([...byKey.values()], {
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
    predictCrop(pair) {
      const src = fitOf(pair.srcKey)
      const trg = fitOf(pair.trgKey)
      const srcT = byKey.get(pair.srcKey)?.entry.transform
      const trgT = byKey.get(pair.trgKey)?.entry.transform
      if (!src || !trg || !srcT || !trgT) return pair.srcKps.map(() => null)
      // Fits work in their own crop frame (the mask's resolution); the features' crops are larger.
      const toFit = src.cropSize / srcT.size
      const fromFit = trgT.size / trg.cropSize
      const points = pair.srcKps.map((p) => {
        const [x, y] = srcT.toCrop(p)
        return [x * toFit, y * toFit] as const
      })
      return meshTransfer(src, trg, points).map((p) => (p ? ([p[0] * fromFit, p[1] * fromFit] as const) : null))
    },
    dispose: () => fitted.clear(),
  }
}

/** What a method sees of an evaluated pair. */
export const transferPairOf = ({ pair, trgSize }: EvalPair): TransferPair => ({
  split: pair.split,
  name: pair.name,
  category: pair.category,
  srcKey: `${pair.category}/${pair.srcStem}`,
  trgKey: `${pair.category}/${pair.trgStem}`,
  srcKps: pair.srcKps,
  trgBbox: pair.trgBbox,
  trgSize,
})

/** The cache key of `mesh:<run>`'s predictions: the model's checkpoint content, not the run's name. */
export const meshMethodKey = (checkpoint: string): string => `mesh:${checkpoint}:face`

/**
 * `mesh:<run>`: METHOD §6 keypoint transfer through the run's category model: both images are
 * fitted (camera and code, category frozen, on their masks and features), the surface point
 * under the source keypoint is projected with the target's fit.
 */
async function meshMethod(name: string, runId: string, dataset: string, pairs: readonly EvalPair[], services: MethodServices, ctx?: JobContext): Promise<ResolvedMethod> {
  const mesh = await meshPredictor(runId, dataset, pairs, services, ctx)
  return {
    category: mesh.category,
    warnings: mesh.warnings,
    method: {
      id: name,
      key: meshMethodKey(mesh.checkpoint),
      async transfer(pair) {
        const trgT = mesh.inputs.get(pair.trgKey)?.entry.transform
        return mesh.predictCrop(pair).map((p): Point | null => (p && trgT ? trgT.toImage(p) : null))
      },
      dispose: async () => mesh.dispose(),
    },
  }
}

const HYBRID_LAMBDAS = [0, 0.03, 0.1, 0.3, 1]

/**
 * `hybrid:<run>`: METHOD §6/§9's hybrid, nearest-neighbour similarity minus a penalty for the
 * distance to the mesh prediction. Its one weight is chosen per category on the data set's val
 * pairs (PCK@0.1 per image; ties go to the smaller weight, so where the 3-D fit does not help
 * it falls back to plain NN, lambda 0), never on the pairs it is scored on.
 */
async function hybridMethod(name: string, runId: string, dataset: string, pairs: readonly EvalPair[], services: MethodServices, ctx?: JobContext): Promise<ResolvedMethod> {
  const config = services.train.config(runId)
  const ds = requireDataset(services.db, dataset)
  // The weight is chosen by the data set's own PCK convention, as its test pairs are scored by default.
  const own = PCK_CONVENTIONS[ds.reader]
  const val = evalPairs(services.db, ds, 'val').filter((p) => p.pair.category === config.category)
  if (val.length === 0) throw new AppError('BAD_INPUT', `hybrid:${runId} needs val pairs of ${config.category} in "${dataset}" to choose its weight`)
  const mesh = await meshPredictor(runId, dataset, [...pairs, ...val], services, ctx)
  const maps = new Map<string, FeatureMap>()
  const mapOf = (key: string): FeatureMap | null => {
    const input = mesh.inputs.get(key)
    if (!input) return null
    let m = maps.get(key)
    if (!m) maps.set(key, (m = services.features.load(input.entry)))
    return m
  }
  /** Both images' feature maps and crops, and the target box in crop pixels; null when either image has no features. */
  const sides = (pair: TransferPair) => {
    const src = mapOf(pair.srcKey)
    const trg = mapOf(pair.trgKey)
    const srcT = mesh.inputs.get(pair.srcKey)?.entry.transform
    const trgT = mesh.inputs.get(pair.trgKey)?.entry.transform
    if (!src || !trg || !srcT || !trgT) return null
    return { src, trg, srcT, trgT, region: cropRegion(trgT, pair.trgBbox ?? [0, 0, pair.trgSize[0], pair.trgSize[1]]) }
  }
  const predict = (pair: TransferPair, lambda: number, meshCrop: ((readonly [number, number]) | null)[]): (Point | null)[] => {
    const s = sides(pair)
    if (!s) return pair.srcKps.map(() => null)
    const crop = pair.srcKps.map((p) => s.srcT.toCrop(p))
    return hybridRefine(s.src, crop, s.trg, meshCrop, lambda, { region: s.region }).map((p) => s.trgT.toImage(p))
  }
  const valMesh = val.map((p) => mesh.predictCrop(transferPairOf(p)))
  let best = { lambda: 0, pck: Number.NEGATIVE_INFINITY }
  for (const lambda of HYBRID_LAMBDAS) {
    const scored = val.map((p, i) => scoredPairOf(p.pair, p.trgSize, predict(transferPairOf(p), lambda, valMesh[i]!)))
    const pck = evaluatePck(scored, { method: name, dataset, split: 'val', cache: 'miss' }, { alphas: [0.1], threshold: own.threshold, compare: own.compare }).report.overall['0.1']!.perImage
    if (pck > best.pck + 1e-12) best = { lambda, pck }
    await new Promise((resolve) => setImmediate(resolve))
    ctx?.throwIfCancelled()
  }
  return {
    category: mesh.category,
    warnings: [...mesh.warnings, `hybrid weight lambda = ${best.lambda} chosen on ${val.length} val pairs of ${config.category} (PCK@0.1 per image ${(100 * best.pck).toFixed(1)} %)`],
    method: {
      id: name,
      key: `hybrid:${mesh.checkpoint}:lambda=${best.lambda}:${config.backbone}`,
      async transfer(pair) {
        return predict(pair, best.lambda, mesh.predictCrop(pair))
      },
      async scoreMaps(pair) {
        const s = sides(pair)
        if (!s) return pair.srcKps.map(() => null)
        const meshCrop = mesh.predictCrop(pair)
        return pair.srcKps.map((p, i) => hybridHeatmap(s.src, s.srcT.toCrop(p), s.trg, s.trgT, meshCrop[i] ?? null, best.lambda, s.region))
      },
      dispose: async () => {
        mesh.dispose()
        maps.clear()
      },
    },
  }
}
