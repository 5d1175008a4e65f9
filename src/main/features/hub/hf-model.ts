import { readFileSync } from 'node:fs'
import type { HfModelName } from './hf-name'
import { formatHfName, parseHfName } from './hf-name'
import type { HubFetchOptions, HubFile } from './hub-download'
import { fetchHubFile, HubError } from './hub-download'
import type { HubEnv } from './hub-env'
import { hubEnv } from './hub-env'

/** How pixels become model input: value * rescale, then (v - mean[c]) / std[c]. */
export interface PixelPreprocessing {
  /** The square side the processor feeds (crop_size, else size), or null when it names none. */
  size: number | null
  rescale: number
  mean: [number, number, number]
  std: [number, number, number]
}

const IMAGENET: Omit<PixelPreprocessing, 'size'> = { rescale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }

type Json = Record<string, unknown>

function triple(file: string, field: string, value: unknown): [number, number, number] {
  const ok = Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number' && Number.isFinite(v))
  if (!ok) throw new Error(`${file}: ${field} must be 3 numbers (R, G, B), got ${JSON.stringify(value)}`)
  return value as [number, number, number]
}

function side(file: string, field: string, value: unknown): number | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'number') return value
  const v = value as { height?: unknown; width?: unknown; shortest_edge?: unknown }
  if (typeof v.height === 'number' && typeof v.width === 'number') {
    if (v.height !== v.width) throw new Error(`${file}: ${field} is ${v.height} x ${v.width}; only square inputs are supported (pass --size)`)
    return v.height
  }
  if (typeof v.shortest_edge === 'number') return v.shortest_edge
  throw new Error(`${file}: ${field} must be a number or {height, width} or {shortest_edge}, got ${JSON.stringify(value)}`)
}

/**
 * Reads a transformers image processor config (preprocessor_config.json). Images here are
 * already square crops around the object, so the processor's centre crop is the input side;
 * without a crop, its resize target is.
 */
export function readPreprocessorConfig(file: string): PixelPreprocessing {
  let json: Json
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Json
  } catch (error) {
    throw new Error(`${file}: not a JSON preprocessor config: ${(error as Error).message}`)
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${file}: expected a JSON object`)
  const crop = json.do_center_crop === false ? null : side(file, 'crop_size', json.crop_size)
  const size = crop ?? (json.do_resize === false ? null : side(file, 'size', json.size))
  if (size !== null && !(Number.isInteger(size) && size >= 14 && size <= 2048)) throw new Error(`${file}: input side ${size} is not an integer in [14, 2048]`)
  const rescaleValue = json.rescale_factor ?? IMAGENET.rescale
  if (typeof rescaleValue !== 'number' || !(rescaleValue > 0)) throw new Error(`${file}: rescale_factor must be a positive number`)
  const rescale = json.do_rescale === false ? 1 : rescaleValue
  if (json.do_normalize === false) return { size, rescale, mean: [0, 0, 0], std: [1, 1, 1] }
  const mean = json.image_mean === undefined ? IMAGENET.mean : triple(file, 'image_mean', json.image_mean)
  const std = json.image_std === undefined ? IMAGENET.std : triple(file, 'image_std', json.image_std)
  if (std.some((s) => s <= 0)) throw new Error(`${file}: image_std must be positive, got ${JSON.stringify(std)}`)
  return { size, rescale, mean, std }
}

export interface HfModel {
  name: HfModelName
  /** The same model pinned to the commit it resolved to: `hf:<repo>@<commit>[:file]`. */
  pinned: string
  model: HubFile
  preprocessing: PixelPreprocessing
  notes: string[]
}

export interface EnsureHfOptions extends Partial<Omit<HubFetchOptions, 'env'>> {
  env?: HubEnv
}

/**
 * An `hf:` backbone's ONNX file and its preprocessor config, from the hub's cache or the hub.
 * The config is read at the model's commit, so the two always belong together.
 */
export async function ensureHfModel(id: string, options: EnsureHfOptions = {}): Promise<HfModel> {
  const name = parseHfName(id)
  const env = options.env ?? hubEnv()
  const model = await fetchHubFile(name, name.file, { ...options, env })
  const notes = model.offlineReason ? [model.offlineReason] : []
  const atCommit: HfModelName = { ...name, revision: model.commit }
  let preprocessing: PixelPreprocessing
  try {
    const { onProgress: _model, ...quiet } = options
    const config = await fetchHubFile(atCommit, 'preprocessor_config.json', { ...quiet, env })
    preprocessing = readPreprocessorConfig(config.path)
  } catch (error) {
    if (!(error instanceof HubError) || (error.kind !== 'not-found' && error.kind !== 'offline' && error.kind !== 'unreachable')) throw error
    notes.push(`hf:${name.repo} has no preprocessor_config.json here (${error.kind}); ImageNet mean/std and 224 px assumed`)
    preprocessing = { size: null, ...IMAGENET }
  }
  return { name, pinned: formatHfName(atCommit), model, preprocessing, notes }
}
