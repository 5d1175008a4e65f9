import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { settingsHash } from './settings-hash'
import type { BackboneInfo } from './types'

export type PretrainedId = 'mobilenetv2' | 'inceptionv3'

export interface PretrainedModelSpec {
  id: PretrainedId
  name: string
  /** Folder under nsfwjs's dist/models. */
  folder: string
  defaultSize: number
  /** Below this the deepest default layer's grid collapses. */
  minSize: number
  defaultLayers: string[]
  /** Layers worth suggesting when the user names one that does not exist. */
  suggest: RegExp
}

/**
 * The CNNs nsfwjs ships (fine-tuned from ImageNet for its classifier; mid layers still carry
 * generic part semantics). Defaults are METHOD.md section 9's measured choices (2-D NN PCK@0.1
 * on renders of two animals, 2 CPU cores).
 */
export const PRETRAINED_MODELS: Record<PretrainedId, PretrainedModelSpec> = {
  inceptionv3: {
    id: 'inceptionv3',
    name: 'InceptionV3',
    folder: 'inception_v3',
    defaultSize: 299,
    minSize: 75,
    // PCK@0.1 0.363 (trivial bbox mapping 0.152); a 17 x 17 grid at 299.
    defaultLayers: ['mixed4', 'mixed5', 'mixed7'],
    suggest: /^mixed\d+$/,
  },
  mobilenetv2: {
    id: 'mobilenetv2',
    name: 'MobileNetV2',
    folder: 'mobilenet_v2',
    defaultSize: 320,
    minSize: 32,
    // PCK@0.1 0.289, about 3x cheaper than InceptionV3.
    defaultLayers: ['block_6_expand_relu', 'block_10_expand_relu', 'block_13_expand_relu', 'block_16_expand_relu'],
    suggest: /_expand_relu$|^out_relu$/,
  },
}

/**
 * What `pretrained` means: InceptionV3. It matched keypoints clearly better in METHOD.md's
 * probe (0.363 vs 0.289 PCK@0.1) and is the backbone the working 3-D recipe was measured with;
 * its cost (about 3x MobileNetV2's per image on wasm) is paid once, since features are cached.
 */
export const PRETRAINED_DEFAULT: PretrainedId = 'inceptionv3'

export function pretrainedModelDir(spec: PretrainedModelSpec): string {
  // nsfwjs's exports map hides package.json; its CommonJS entry sits in dist/cjs next to dist/models.
  const entry = createRequire(__filename).resolve('nsfwjs')
  return join(dirname(entry), '..', 'models', spec.folder)
}

/** Bump when the computation changes, so cached features made by older code miss. */
const ALGORITHM_VERSION = 1

/**
 * The feature-cache key of a shipped CNN's hypercolumns. It names what is computed, not what
 * runs it: tfjs-wasm and onnxruntime give the same features within float32 rounding (tested),
 * so features cached by either stay valid for the other.
 */
export function pretrainedSettingsHash(id: PretrainedId, size: number, layers: readonly string[], grid: [number, number]): string {
  return settingsHash({ kind: 'pretrained', version: ALGORITHM_VERSION, id, size, layers: [...layers], grid })
}

/**
 * What Health and the features' records say of a shipped CNN's hypercolumns, whichever runtime
 * runs them (`weights` says how: tfjs on the package's files, or their ONNX conversion).
 */
export function pretrainedInfo(
  spec: PretrainedModelSpec,
  run: { id: PretrainedId; size: number; grid: readonly [number, number]; channels: number; layers: string[]; backend: string; notes: string[]; weights: string },
): BackboneInfo {
  const [gridH, gridW] = run.grid
  return {
    id: run.id,
    kind: 'pretrained',
    inputSize: run.size,
    channels: run.channels,
    grid: { height: gridH, width: gridW },
    stride: run.size / gridW,
    layers: run.layers,
    backend: run.backend,
    description:
      `${spec.name} (ImageNet-trained, fine-tuned by nsfwjs; ${run.weights}) hypercolumns of ` +
      `${run.layers.join(' + ')} at ${run.size} px, input scaled to [0, 1] as nsfwjs feeds it, each layer resized to ` +
      `${gridH} x ${gridW} and L2-normalised, concatenated, normalised per cell.`,
    notes: run.notes,
  }
}

/** Larger inputs only multiply the cache: the coarse layers add nothing past this. */
const MAX_SIZE = 1024

/** A shipped CNN's settings as both runtimes read them: the model, its checked input size and its layers. */
export function pretrainedSettings(id: PretrainedId, options: { size?: number; layers?: string[] }): { spec: PretrainedModelSpec; size: number; layers: string[] } {
  const spec = PRETRAINED_MODELS[id]
  const size = options.size ?? spec.defaultSize
  if (!Number.isInteger(size) || size < spec.minSize || size > MAX_SIZE) {
    throw new Error(`${id}: input size must be an integer in [${spec.minSize}, ${MAX_SIZE}], got ${size}`)
  }
  const layers = options.layers && options.layers.length > 0 ? [...options.layers] : [...spec.defaultLayers]
  return { spec, size, layers }
}
