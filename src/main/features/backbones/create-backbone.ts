import { isHfName } from '../hub/hf-name'
import { loadHfBackbone } from './hf-backbone'
import { loadOnnxBackbone } from './onnx-backbone'
import { createHandmadeBackbone } from './handmade-backbone'
import { loadPretrainedBackbone } from './pretrained-backbone'
import { loadPretrainedOnnxBackbone } from './pretrained-onnx-backbone'
import type { PretrainedId } from './pretrained-models'
import { PRETRAINED_DEFAULT, PRETRAINED_MODELS } from './pretrained-models'
import type { Backbone, BackboneOptions, BackboneRuntime } from './types'

export const BACKBONE_IDS = ['pretrained', ...(Object.keys(PRETRAINED_MODELS) as PretrainedId[]), 'handmade'] as const

function isPretrained(id: string): id is PretrainedId {
  return Object.hasOwn(PRETRAINED_MODELS, id)
}

/**
 * What runs the shipped CNNs. onnxruntime by default: its features equal tfjs-wasm's within
 * float32 rounding (test/unit/features/pretrained-onnx.test.ts) and it runs them faster on
 * every core (BENCHMARKS.md, Feature backbones); tfjs stays selectable, e.g. to compare.
 */
export function pretrainedRuntime(runtime: BackboneRuntime, env: NodeJS.ProcessEnv = process.env): 'onnx' | 'tfjs' {
  const chosen = runtime.pretrained ?? env.SEMAGIC_PRETRAINED_RUNTIME ?? 'onnx'
  if (chosen !== 'onnx' && chosen !== 'tfjs') throw new Error(`SEMAGIC_PRETRAINED_RUNTIME must be onnx or tfjs, got '${chosen}'`)
  return chosen
}

/**
 * A backbone by id: `pretrained` (= PRETRAINED_DEFAULT, see pretrained-models.ts for why),
 * `mobilenetv2`, `inceptionv3`, `handmade`, a path to an `.onnx` file, or a Hugging Face ONNX
 * export by name (`hf:<org>/<name>[@revision][:file]`, see hf-backbone.ts). Options a backbone
 * has no use for are refused, so that a typo'd setup fails instead of silently doing less.
 */
export async function createBackbone(id: string, options: BackboneOptions = {}, runtime: BackboneRuntime = {}): Promise<Backbone> {
  const refuse = (names: (keyof BackboneOptions)[], kind: string): void => {
    const given = names.filter((n) => options[n] !== undefined)
    if (given.length > 0) throw new Error(`backbone ${id}: option(s) ${given.join(', ')} do not apply to ${kind} backbones`)
  }
  if (id.toLowerCase().endsWith('.onnx')) {
    refuse(['layers'], 'ONNX')
    const providers = options.providers ?? runtime.providers
    return loadOnnxBackbone(id, { ...options, ...(runtime.threads === undefined ? {} : { threads: runtime.threads }), ...(providers === undefined ? {} : { providers }) })
  }
  if (isHfName(id)) {
    refuse(['layers', 'normalization'], 'Hugging Face (their preprocessor config sets the scaling)')
    return loadHfBackbone(id, options, runtime)
  }
  const concrete = id === 'pretrained' ? PRETRAINED_DEFAULT : id
  if (isPretrained(concrete)) {
    refuse(['output', 'providers', 'normalization'], 'pretrained')
    return pretrainedRuntime(runtime) === 'tfjs' ? loadPretrainedBackbone(concrete, options) : loadPretrainedOnnxBackbone(concrete, options, runtime)
  }
  if (id === 'handmade') {
    refuse(['layers', 'output', 'providers', 'normalization'], 'the handmade')
    return createHandmadeBackbone(options)
  }
  throw new Error(`unknown backbone '${id}': use one of ${BACKBONE_IDS.join(', ')}, hf:<org>/<name>, or a path to an .onnx file`)
}
