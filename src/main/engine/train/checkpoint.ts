import { CAMERA_SIZE } from '../camera/view-camera'
import { Param } from '../math/adam'
import { SeededRandom } from '../math/seeded-random'
import type { RandomState } from '../math/seeded-random'
import type { Pca } from '../pca/pca'
import { categoryParams, createCategoryModel } from '../model/category-model'
import type { CategoryModel } from '../model/category-model'
import { resolveConfig } from '../model/config'
import type { EngineConfig } from '../model/config'
import type { Ellipsoid } from '../template/template'

/** Everything a training run needs to continue exactly where it stopped. */
export interface TrainState {
  config: EngineConfig
  model: CategoryModel
  /** Training image keys, in the order of the camera and code rows. */
  keys: string[]
  /** Per image: hypotheses x [azimuth, elevation, roll, log-scale, tx, ty]. */
  cameras: Param
  /** Per image: the instance code z. */
  codes: Param
  /** Steps completed. */
  step: number
  rng: SeededRandom
}

/** A JSON manifest and named float32 blobs: what a store writes to disk as it is. */
export interface Serialized<M> {
  manifest: M
  weights: Record<string, Float32Array>
}

export interface ModelManifest {
  format: 'semagic-engine-model'
  version: 1
  config: EngineConfig
  channels: number
  ellipsoid: Ellipsoid
  vertexCount: number
  pca: { inputChannels: number; dims: number } | null
}

export interface TrainManifest extends Omit<ModelManifest, 'format'> {
  format: 'semagic-engine-train'
  step: number
  rng: RandomState
  keys: string[]
}

export type SerializedModel = Serialized<ModelManifest>
export type SerializedTrainState = Serialized<TrainManifest>

function modelManifest(model: CategoryModel): ModelManifest {
  return {
    format: 'semagic-engine-model',
    version: 1,
    config: model.config,
    channels: model.channels,
    ellipsoid: model.ellipsoid,
    vertexCount: model.template.vertexCount,
    pca: model.pca ? { inputChannels: model.pca.inputChannels, dims: model.pca.dims } : null,
  }
}

function pcaWeights(pca: Pca | null): Record<string, Float32Array> {
  return pca ? { 'pca.mean': pca.mean.slice(), 'pca.components': pca.components.slice(), 'pca.variance': pca.variance.slice() } : {}
}

function paramWeights(params: readonly Param[], withOptimiser: boolean): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {}
  for (const p of params) {
    out[p.name] = p.value.slice()
    if (withOptimiser) {
      out[`${p.name}#m`] = p.m.slice()
      out[`${p.name}#v`] = p.v.slice()
      out[`${p.name}#steps`] = p.steps.slice()
    }
  }
  return out
}

/** The learned category alone, for inference (no cameras of training images, no optimiser state). */
export function serializeModel(model: CategoryModel): SerializedModel {
  return { manifest: modelManifest(model), weights: { ...paramWeights(categoryParams(model), false), ...pcaWeights(model.pca) } }
}

/** A copy of the whole training state: later steps do not change it. */
export function serializeTrainState(state: TrainState): SerializedTrainState {
  const { format: _format, ...model } = modelManifest(state.model)
  return {
    manifest: { ...model, format: 'semagic-engine-train', step: state.step, rng: state.rng.state(), keys: [...state.keys] },
    weights: {
      ...paramWeights([...categoryParams(state.model), state.cameras, state.codes], true),
      ...pcaWeights(state.model.pca),
    },
  }
}

function blob(weights: Record<string, Float32Array>, name: string, length: number): Float32Array {
  const w = weights[name]
  if (!w) throw new Error(`checkpoint: missing tensor '${name}'`)
  if (w.length !== length) throw new Error(`checkpoint: tensor '${name}' has ${w.length} values, expected ${length}`)
  return w
}

function restoreParams(params: readonly Param[], weights: Record<string, Float32Array>, withOptimiser: boolean): void {
  for (const p of params) {
    p.value.set(blob(weights, p.name, p.value.length))
    if (!withOptimiser) continue
    p.m.set(blob(weights, `${p.name}#m`, p.m.length))
    p.v.set(blob(weights, `${p.name}#v`, p.v.length))
    p.steps.set(blob(weights, `${p.name}#steps`, p.steps.length))
  }
}

function restoreModel(manifest: Omit<ModelManifest, 'format'>, weights: Record<string, Float32Array>, withOptimiser: boolean): CategoryModel {
  if (manifest.version !== 1) throw new Error(`checkpoint: unsupported version ${manifest.version}`)
  const config = resolveConfig(manifest.config)
  let pca: Pca | null = null
  if (manifest.pca) {
    const { inputChannels, dims } = manifest.pca
    pca = {
      inputChannels,
      dims,
      mean: blob(weights, 'pca.mean', inputChannels).slice(),
      components: blob(weights, 'pca.components', dims * inputChannels).slice(),
      variance: blob(weights, 'pca.variance', dims).slice(),
    }
  }
  // The initial values are overwritten; the generator only has to produce tensors of the right sizes.
  const model = createCategoryModel(config, manifest.channels, manifest.ellipsoid, new SeededRandom(0), pca)
  if (model.template.vertexCount !== manifest.vertexCount) throw new Error(`checkpoint: ${manifest.vertexCount} vertices, template level ${config.templateLevel} has ${model.template.vertexCount}`)
  restoreParams(categoryParams(model), weights, withOptimiser)
  return model
}

export function deserializeModel(serialized: SerializedModel): CategoryModel {
  if (serialized.manifest.format !== 'semagic-engine-model') throw new Error(`not a model checkpoint: format '${String(serialized.manifest.format)}'`)
  return restoreModel(serialized.manifest, serialized.weights, false)
}

/** Per-image tensors for `images` images. */
export function perImageParams(config: EngineConfig, images: number): { cameras: Param; codes: Param } {
  const camRow = config.hypotheses * CAMERA_SIZE
  return {
    cameras: new Param('cameras', new Float32Array(images * camRow), config.lr.camera, camRow),
    codes: new Param('codes', new Float32Array(images * config.codeDims), config.lr.code, config.codeDims),
  }
}

export function deserializeTrainState(serialized: SerializedTrainState): TrainState {
  const { manifest, weights } = serialized
  if (manifest.format !== 'semagic-engine-train') throw new Error(`not a training checkpoint: format '${String(manifest.format)}'`)
  const model = restoreModel(manifest, weights, true)
  const { cameras, codes } = perImageParams(model.config, manifest.keys.length)
  restoreParams([cameras, codes], weights, true)
  return { config: model.config, model, keys: [...manifest.keys], cameras, codes, step: manifest.step, rng: new SeededRandom(manifest.rng) }
}
