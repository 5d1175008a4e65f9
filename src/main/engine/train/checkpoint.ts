import { CAMERA_SIZE } from '../camera/view-camera'
import { Param } from '../math/adam'
import { SeededRandom } from '../math/seeded-random'
import type { RandomState } from '../math/seeded-random'
import type { Pca } from '../pca/pca'
import { categoryParams, createCategoryModel } from '../model/category-model'
import type { CategoryModel } from '../model/category-model'
import { instanceSize, resolveConfig, variantSwitches } from '../model/config'
import type { EngineConfig, EngineConfigInput } from '../model/config'
import { fourierSize } from '../math/fourier'
import type { Ellipsoid } from '../template/template'
import type { ViewpointPriorSource } from './viewpoint-prior'

/** Everything a training run needs to continue exactly where it stopped. */
export interface TrainState {
  config: EngineConfig
  model: CategoryModel
  /** Training image keys, in the order of the camera and code rows. */
  keys: string[]
  /** Per image: hypotheses x [azimuth, elevation, roll, log-scale, tx, ty]. */
  cameras: Param
  /** Per image: the instance code z, then the part angles with articulation on (instanceSize(config) values). */
  codes: Param
  /** Steps completed. */
  step: number
  rng: SeededRandom
  /** Per image: the azimuth of the hypothesis it kept at its last step (NaN before its first), which the viewpoint prior reads. */
  keptAzimuths: Float32Array
  /**
   * With the prior on, where each row's prior comes from: the training images' look-alike graph or their regression
   * (made from the images at the start), or azimuths given from outside (the experiments' oracle); never stored.
   */
  viewpointPrior: ViewpointPriorSource | null
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
      keptAzimuths: state.keptAzimuths.slice(),
    },
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const show = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max

/** Template levels a checkpoint may name (the studio trains 3 and 4; 7 has 163,842 vertices). */
const MAX_TEMPLATE_LEVEL = 7
const MAX_DIM = 65_536
/** Values a manifest may ask for beyond those its weights hold (4 MiB of float32). */
const ALLOCATION_SLACK = 1 << 20

function fieldProblem(field: unknown, name: string): string | null {
  if (field === undefined) return null
  if (!isRecord(field)) return `config.${name} is ${show(field)}, not an object`
  if (field.frequencies !== undefined && !isInt(field.frequencies, 0, 64)) return `config.${name}.frequencies is ${show(field.frequencies)}, not an integer in [0, 64]`
  const { hidden } = field
  if (hidden !== undefined && !(Array.isArray(hidden) && hidden.length <= 16 && hidden.every((h) => isInt(h, 1, MAX_DIM)))) {
    return `config.${name}.hidden is ${show(hidden)}, not a list of layer sizes`
  }
  return null
}

function mlpValues(sizes: number[]): number {
  let n = 0
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!
  return n
}

/**
 * Checks a model or training manifest read from disk before anything is allocated from it: the
 * first problem as `<field> is <value>, ...`, or null. The sizes it implies must fit in the
 * weights that came with it, so a forged manifest cannot make the loader allocate more memory
 * than the checkpoint itself holds.
 */
function manifestProblem(m: unknown, weights: Record<string, Float32Array>, train: boolean): string | null {
  if (!isRecord(m)) return `manifest is ${show(m)}, not an object`
  if (m.version !== 1) return `version is ${show(m.version)}, not 1`
  if (!isRecord(m.config)) return `config is ${show(m.config)}, not an object`
  const c = m.config
  for (const key of ['lr', 'weights', 'visibility', 'articulation'] as const) if (c[key] !== undefined && !isRecord(c[key])) return `config.${key} is ${show(c[key])}, not an object`
  for (const name of ['deformationField', 'featureField'] as const) {
    const problem = fieldProblem(c[name], name)
    if (problem) return problem
  }
  let config: EngineConfig
  try {
    config = manifestConfig(c as EngineConfigInput)
  } catch (error) {
    return `config: ${(error as Error).message}`
  }
  if (!isInt(config.templateLevel, 0, MAX_TEMPLATE_LEVEL)) return `config.templateLevel is ${show(config.templateLevel)}, not an integer in [0, ${MAX_TEMPLATE_LEVEL}]`
  for (const key of ['codeDims', 'hypotheses'] as const) if (!isInt(config[key], 1, MAX_DIM)) return `config.${key} is ${show(config[key])}, not an integer in [1, ${MAX_DIM}]`
  if (!isInt(m.channels, 1, MAX_DIM)) return `channels is ${show(m.channels)}, not an integer in [1, ${MAX_DIM}]`
  const e = m.ellipsoid
  if (!(Array.isArray(e) && e.length === 3 && e.every((a) => typeof a === 'number' && Number.isFinite(a) && a > 0))) return `ellipsoid is ${show(e)}, not three positive semi-axes`
  const vertices = 10 * 4 ** config.templateLevel + 2
  if (m.vertexCount !== vertices) return `vertexCount is ${show(m.vertexCount)}; template level ${config.templateLevel} has ${vertices}`
  if (m.pca !== null && !(isRecord(m.pca) && isInt(m.pca.inputChannels, 1, MAX_DIM) && isInt(m.pca.dims, 1, MAX_DIM))) return `pca is ${show(m.pca)}, not null or {inputChannels, dims}`

  const channels = m.channels
  const pca = m.pca as { inputChannels: number; dims: number } | null
  const K = config.codeDims
  const { vertexDeformation, vertexFeatures } = variantSwitches(config.variant)
  let values = 3 * vertices
  values += vertexDeformation ? 3 * vertices * K : mlpValues([fourierSize(config.deformationField.frequencies), ...config.deformationField.hidden, 3 * K])
  values += vertexFeatures ? vertices * channels : mlpValues([fourierSize(config.featureField.frequencies), ...config.featureField.hidden, channels])
  if (pca) values += pca.inputChannels * (pca.dims + 1) + pca.dims
  if (train) {
    if (!isInt(m.step, 0, Number.MAX_SAFE_INTEGER)) return `step is ${show(m.step)}, not a non-negative integer`
    if (!(Array.isArray(m.rng) && m.rng.length === 4 && m.rng.every((v) => isInt(v, 0, 2 ** 32 - 1)))) return `rng is ${show(m.rng)}, not four 32-bit integers`
    if (!(Array.isArray(m.keys) && m.keys.every((k) => typeof k === 'string'))) return `keys is ${show(m.keys)}, not a list of image keys`
    values += m.keys.length * (config.hypotheses * CAMERA_SIZE + instanceSize(config))
  }
  let held = 0
  for (const w of Object.values(weights)) held += w.length
  // Slack for a modest mismatch, which the per-tensor checks then name precisely.
  if (values > held + ALLOCATION_SLACK) return `describes a model of ${values} values but its weights hold ${held}`
  return null
}

function checkManifest(m: unknown, weights: Record<string, Float32Array>, train: boolean): void {
  const problem = manifestProblem(m, weights, train)
  if (problem) throw new Error(`checkpoint manifest: ${problem}`)
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

/** A checkpoint's engine settings; one written before a switch existed keeps the behaviour it was trained with. */
export function manifestConfig(config: EngineConfigInput): EngineConfig {
  return resolveConfig({ preferAbove: null, ...config, weights: { edgeShape: 0, edgeDeformation: 0, normalShape: 0, ...config.weights } })
}

function restoreModel(manifest: Omit<ModelManifest, 'format'>, weights: Record<string, Float32Array>, withOptimiser: boolean): CategoryModel {
  if (manifest.version !== 1) throw new Error(`checkpoint: unsupported version ${manifest.version}`)
  const config = manifestConfig(manifest.config)
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
  if ((serialized.manifest as unknown as Record<string, unknown> | null)?.format !== 'semagic-engine-model') throw new Error(`not a model checkpoint: format '${String((serialized.manifest as { format?: unknown } | null)?.format)}'`)
  checkManifest(serialized.manifest, serialized.weights, false)
  return restoreModel(serialized.manifest, serialized.weights, false)
}

/** Per-image tensors for `images` images. */
export function perImageParams(config: EngineConfig, images: number): { cameras: Param; codes: Param } {
  const camRow = config.hypotheses * CAMERA_SIZE
  return {
    cameras: new Param('cameras', new Float32Array(images * camRow), config.lr.camera, camRow),
    codes: new Param('codes', new Float32Array(images * instanceSize(config)), config.lr.code, instanceSize(config)),
  }
}

/** Kept azimuths before any image has been in a batch. */
export function keptAzimuthsUnknown(images: number): Float32Array {
  return new Float32Array(images).fill(Number.NaN)
}

export function deserializeTrainState(serialized: SerializedTrainState): TrainState {
  const { manifest, weights } = serialized
  if ((manifest as unknown as Record<string, unknown> | null)?.format !== 'semagic-engine-train') throw new Error(`not a training checkpoint: format '${String((manifest as { format?: unknown } | null)?.format)}'`)
  checkManifest(manifest, weights, true)
  const model = restoreModel(manifest, weights, true)
  const { cameras, codes } = perImageParams(model.config, manifest.keys.length)
  restoreParams([cameras, codes], weights, true)
  // Checkpoints written before the viewpoint prior have none: every image starts unknown.
  const keptAzimuths = weights.keptAzimuths ? blob(weights, 'keptAzimuths', manifest.keys.length).slice() : keptAzimuthsUnknown(manifest.keys.length)
  return { config: model.config, model, keys: [...manifest.keys], cameras, codes, step: manifest.step, rng: new SeededRandom(manifest.rng), keptAzimuths, viewpointPrior: null }
}
