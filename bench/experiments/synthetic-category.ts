/**
 * One synthetic category as the engine experiments use it ($ENGINE_CATEGORY: quadruped, the
 * default, bird or car): generated once (seed 1, full size), InceptionV3 hypercolumns cached as
 * float16, 64x64 masks in the same square crop, the large layout's val and test pairs. Work
 * folder: $ENGINE_EXPERIMENT_DIR, else /tmp/semagic-engine-experiment (quadruped) or
 * /tmp/semagic-engine-experiment-<category>.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateSynthetic } from '../../src/main/datasets/synthetic/generate'
import { resolveConfig } from '../../src/main/engine/model/config'
import type { EngineConfigInput, EngineVariant } from '../../src/main/engine/model/config'
import { deserializeModel, serializeModel } from '../../src/main/engine/train/checkpoint'
import type { CategoryModel } from '../../src/main/engine/model/category-model'
import { fitPca } from '../../src/main/engine/pca/pca'
import type { Pca } from '../../src/main/engine/pca/pca'
import { settingsHash } from '../../src/main/features/backbones/settings-hash'
import { createBackbone } from '../../src/main/features/backbones/create-backbone'
import type { FeatureMap } from '../../src/main/features/backbones/types'
import { readFeatureFile, writeFeatureFile } from '../../src/main/features/cache/feature-file'
import { cropSquare, cropSquareMask, squareCropTransform } from '../../src/main/images/crop-square'
import type { BBox, CropTransform } from '../../src/main/images/crop-square'
import { readImageFile, readMaskFile } from '../../src/main/images/decode-image'
import type { Mask, RgbImage } from '../../src/main/images/rgb-image'
import { COLOUR_SIZE } from '../../src/main/engine/appearance/colour-channels'

export const CATEGORY = process.env.ENGINE_CATEGORY ?? 'quadruped'
/** Engine settings the experiment overrides ($ENGINE_CONFIG, JSON). */
export const CONFIG: EngineConfigInput = JSON.parse(process.env.ENGINE_CONFIG ?? '{}') as EngineConfigInput
/**
 * $ENGINE_ORACLE=azimuth trains with each image's annotated azimuth bin (its centre) as the
 * viewpoint prior's azimuth in place of its neighbours' (viewpoint-prior givenPrior; the weight is
 * $ENGINE_CONFIG's viewpointPrior): how the engine does when training keeps right cameras.
 */
export const ORACLE = process.env.ENGINE_ORACLE === 'azimuth'
/** $ENGINE_MODEL: a saved model file to score instead of training one (engine-synthetic-pck). */
export const MODEL_FILE = process.env.ENGINE_MODEL
export const DIR = process.env.ENGINE_EXPERIMENT_DIR ?? `/tmp/semagic-engine-experiment${CATEGORY === 'quadruped' ? '' : `-${CATEGORY}`}`
const MARGIN = 0.1
const SIZE = 299

export interface ImageInfo {
  stem: string
  split: 'trn' | 'val' | 'test'
  bbox: BBox
  azimuthBin: number
  transform: CropTransform
  mask: Mask
  /** The crop in colour, for the appearance term (engine appearance/colour-channels). */
  colour: RgbImage
}

export interface Pair {
  src: string
  trg: string
  srcKps: [number, number][]
  trgKps: [number, number][]
  trgBbox: BBox
  viewpoint: number
}

const data = join(DIR, 'data')
const splitOf = (stem: string): ImageInfo['split'] => (['trn', 'val', 'test'] as const)[Number(stem[5]) - 1]!

export async function prepare(): Promise<{ images: Map<string, ImageInfo>; pairs: Record<'val' | 'test', Pair[]> }> {
  if (!existsSync(join(data, 'README'))) await generateSynthetic({ out: data, categories: [CATEGORY], size: 'full', seed: 1 })
  const images = new Map<string, ImageInfo>()
  const annDir = join(data, 'ImageAnnotation', CATEGORY)
  const stems = readdirSync(annDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort()
  for (const name of stems) {
    const ann = JSON.parse(readFileSync(join(annDir, `${name}.json`), 'utf8')) as { bndbox: BBox; azimuth_id: number }
    const mask = readMaskFile(join(data, 'Segmentation', CATEGORY, `${name}.png`))
    images.set(name, {
      stem: name,
      split: splitOf(name),
      bbox: ann.bndbox,
      azimuthBin: ann.azimuth_id,
      transform: squareCropTransform(ann.bndbox, MARGIN, SIZE),
      mask: cropSquareMask(mask, ann.bndbox, MARGIN, 64).mask,
      colour: cropSquare(readImageFile(join(data, 'JPEGImages', CATEGORY, `${name}.jpg`)), ann.bndbox, MARGIN, COLOUR_SIZE).image,
    })
  }
  const featureDir = join(DIR, 'features')
  mkdirSync(featureDir, { recursive: true })
  const missing = [...images.values()].filter((im) => !existsSync(join(featureDir, `${im.stem}.f16`)))
  if (missing.length > 0) {
    const backbone = await createBackbone('pretrained')
    console.log(`extracting ${missing.length} images with ${backbone.id}`)
    for (let i = 0; i < missing.length; i += 4) {
      const batch = missing.slice(i, i + 4)
      const crops = batch.map((im) => cropSquare(readImageFile(join(data, 'JPEGImages', CATEGORY, `${im.stem}.jpg`)), im.bbox, MARGIN, SIZE).image)
      const maps = await backbone.extract(crops)
      batch.forEach((im, k) => writeFeatureFile(join(featureDir, `${im.stem}.f16`), maps[k]!))
    }
    backbone.dispose()
  }
  const pairs = { val: readPairs('val'), test: readPairs('test') }
  return { images, pairs }
}

function readPairs(split: 'val' | 'test'): Pair[] {
  const names = readFileSync(join(data, 'Layout', 'large', `${split}.txt`), 'utf8').split('\n').filter(Boolean)
  return names.map((name) => {
    const p = JSON.parse(readFileSync(join(data, 'PairAnnotation', split, `${name}.json`), 'utf8')) as {
      src_imname: string
      trg_imname: string
      src_kps: [number, number][]
      trg_kps: [number, number][]
      trg_bndbox: BBox
      viewpoint_variation: number
    }
    return { src: p.src_imname.replace('.jpg', ''), trg: p.trg_imname.replace('.jpg', ''), srcKps: p.src_kps, trgKps: p.trg_kps, trgBbox: p.trg_bndbox, viewpoint: p.viewpoint_variation }
  })
}

export const features = (stem: string): FeatureMap => readFeatureFile(join(DIR, 'features', `${stem}.f16`))

/** The PCA the experiment models train on (and carry none of): 64 dims fitted on the training images' foreground cells. */
export function experimentPca(images: Map<string, ImageInfo>): Pca {
  const trn = [...images.values()].filter((im) => im.split === 'trn')
  return fitPca(trn.map((im) => features(im.stem)), trn.map((im) => im.mask), 64)
}

/** The frames a model may have learned its azimuths in, against the generator's: the same, turned by pi, mirrored, both. */
export const AZIMUTH_FRAMES: Record<string, (a: number) => number> = {
  same: (a) => a,
  turned: (a) => a + Math.PI,
  mirrored: (a) => Math.PI - a,
  'mirrored+turned': (a) => -a,
}

/** PCK@0.1 of one pair: the fraction of its keypoints within 0.1 max(w, h) of the target box. */
export function pairPck(pred: ([number, number] | null)[], pair: Pair): number {
  const [x1, y1, x2, y2] = pair.trgBbox
  const threshold = 0.1 * Math.max(x2 - x1, y2 - y1)
  let ok = 0
  pred.forEach((p, k) => {
    if (p && Math.hypot(p[0] - pair.trgKps[k]![0], p[1] - pair.trgKps[k]![1]) <= threshold) ok++
  })
  return ok / pred.length
}

export const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN)

/** SPair's azimuth bin (0-7, 45 degrees each, 0 centred on 0) of an angle in radians. */
export function azimuthBin(radians: number): number {
  const deg = (radians * 180) / Math.PI
  return Math.floor((((deg + 22.5) % 360) + 360) % 360 / 45)
}

/**
 * A saved model's file stem: <variant>-<seed>-<hash of the engine settings it trains with>
 * ($ENGINE_CONFIG over today's defaults)[-oracle], so that runs with other settings, or of an engine
 * whose defaults have changed since, never overwrite or load each other's models.
 */
export function modelName(variant: EngineVariant, seed: number): string {
  const { variant: _v, seed: _s, steps: _n, ...settings } = resolveConfig(CONFIG)
  return `${variant}-${seed}-${settingsHash(settings as unknown as Parameters<typeof settingsHash>[0]).slice(0, 8)}${ORACLE ? '-oracle' : ''}`
}

/** A saved experiment model (models/<modelName>.json), or null. */
export function loadModel(variant: EngineVariant, seed: number): CategoryModel | null {
  const file = join(DIR, 'models', `${modelName(variant, seed)}.json`)
  return existsSync(file) ? readModelFile(file) : null
}

/** A model file as saveModel writes it. */
export function readModelFile(file: string): CategoryModel {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { manifest: Parameters<typeof deserializeModel>[0]['manifest']; weights: Record<string, number[]> }
  return deserializeModel({ manifest: saved.manifest, weights: Object.fromEntries(Object.entries(saved.weights).map(([k, v]) => [k, Float32Array.from(v)])) })
}

export function saveModel(model: CategoryModel, variant: EngineVariant, seed: number): void {
  const saved = serializeModel(model)
  mkdirSync(join(DIR, 'models'), { recursive: true })
  writeFileSync(
    join(DIR, 'models', `${modelName(variant, seed)}.json`),
    JSON.stringify({ manifest: saved.manifest, weights: Object.fromEntries(Object.entries(saved.weights).map(([k, v]) => [k, Array.from(v)])) }),
  )
}

/**
 * The azimuth each training image's kept camera ended training with (radians, by stem), saved
 * beside the model: the training set's own viewpoints, for rules that carry them to test images.
 */
export function saveTrainingAzimuths(azimuths: Record<string, number>, variant: EngineVariant, seed: number): void {
  writeFileSync(join(DIR, 'models', `${modelName(variant, seed)}.train-azimuths.json`), JSON.stringify(azimuths))
}

export function loadTrainingAzimuths(variant: EngineVariant, seed: number): Record<string, number> | null {
  const file = join(DIR, 'models', `${modelName(variant, seed)}.json`)
  return existsSync(trainingAzimuthsFile(file)) ? readTrainingAzimuths(file) : null
}

const trainingAzimuthsFile = (modelFile: string): string => modelFile.replace(/\.json$/, '.train-azimuths.json')

/** The training azimuths saved beside a model file (saveTrainingAzimuths). */
export function readTrainingAzimuths(modelFile: string): Record<string, number> {
  return JSON.parse(readFileSync(trainingAzimuthsFile(modelFile), 'utf8')) as Record<string, number>
}
