import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import type { Point } from '../../../shared/ipc/channels/datasets'
import { AppError } from '../../core/app-error'
import { readPredictionsJsonl } from '../../eval/predictions-jsonl'
import { createNnTransfer, DEFAULT_NN_OPTIONS } from '../../transfer/nn-transfer'
import type { TransferMethod } from '../../transfer/transfer-method'
import type { JobContext } from '../jobs/job-manager'
import type { FeaturesService } from '../features/features-service'
import type { EvalPair } from './eval-pairs'

export interface ResolvedMethod {
  method: TransferMethod
  /** Problems the method reported while loading (e.g. bad prediction lines), shown with the report. */
  warnings: string[]
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
  features: FeaturesService,
  ctx?: JobContext,
): Promise<ResolvedMethod> {
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
  if (name.startsWith('mesh:') || name.startsWith('hybrid:')) {
    throw new AppError('BAD_INPUT', `method "${name}": trained models are not available yet (no engine runs in this studio version)`)
  }
  throw new AppError('BAD_INPUT', `unknown method "${name}": use nn-<backbone> (e.g. nn-pretrained, nn-handmade) or predictions:<absolute path to .jsonl>`)
}
