import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import type { RanOn } from '../../../shared/device'
import type { Point } from '../../../shared/ipc/channels/datasets'
import { AppError } from '../../core/app-error'
import { readPredictionsJsonl } from '../../eval/predictions-jsonl'
import { createNnTransfer, DEFAULT_NN_OPTIONS } from '../../transfer/nn-transfer'
import type { TransferMethod } from '../../transfer/transfer-method'
import type { JobContext } from '../jobs/job-manager'
import { HYBRID_KINDS, parseHybridMethod } from '../../../shared/eval/hybrid-kinds'
import { hybridMethod } from './hybrid-method'
import { meshPredictor } from './mesh-predictor'
import type { Db } from '../../store/migration'
import type { TrainService } from '../train/train-service'
import type { FeaturesService } from '../features/features-service'
import type { EvalPair } from './eval-pairs'

export interface ResolvedMethod {
  method: TransferMethod
  /** Problems the method reported while loading (e.g. bad prediction lines), shown with the report. */
  warnings: string[]
  /** A category model answers for its own category only: the evaluation is restricted to it. */
  category?: string
  /** Where a model's fits ran, when the method fitted images (mesh:, hybrid:) and not all came from the cache. */
  fitsRanOn?: RanOn
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
  const hybrid = parseHybridMethod(name)
  if (hybrid) return hybridMethod(name, hybrid.runId, dataset, pairs, services, ctx, hybrid.choices)
  throw new AppError(
    'BAD_INPUT',
    `unknown method "${name}": use nn-<backbone> (e.g. nn-pretrained, nn-handmade), mesh:<training run id>, hybrid:<training run id> (or an ablation: ${Object.keys(HYBRID_KINDS).filter((k) => k !== 'hybrid').map((k) => `${k}:<run>`).join(', ')}) or predictions:<absolute path to .jsonl>`,
  )
}

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
    ...(mesh.fitsRanOn ? { fitsRanOn: mesh.fitsRanOn } : {}),
    method: {
      id: name,
      key: meshMethodKey(mesh.checkpoint),
      async transfer(pair) {
        const trgT = mesh.inputs.get(pair.trgKey)?.entry.transform
        return mesh.transferCrop(pair).map(({ point }): Point | null => (point && trgT ? trgT.toImage(point) : null))
      },
      dispose: async () => mesh.dispose(),
    },
  }
}

