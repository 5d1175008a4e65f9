import { basename, extname } from 'node:path'
import type { Split } from '../spair/types'
import { writeSyntheticTree } from '../synthetic/write-tree'
import type { SyntheticSummary } from '../synthetic/write-tree'
import { assetCategory } from './asset-category'
import { readGltfAsset } from './gltf-asset'
import { readKeypointFile } from './keypoint-file'

export interface MakeAssetDatasetOptions {
  /** The keypoint file; it names the asset, relative to its own folder, unless `asset` is given. */
  keypoints: string
  asset?: string
  /** Folder to create; it must not exist or be empty. */
  out: string
  /** Images over all splits, divided 200/25/50 (splitCounts); default 275. */
  images?: number
  seed?: number
  onProgress?: (done: number, total: number) => void
  signal?: AbortSignal
}

export interface AssetDatasetSummary extends SyntheticSummary {
  category: string
  asset: string
}

export const DEFAULT_ASSET_IMAGES = 275
export const MIN_ASSET_IMAGES = 6
export const DEFAULT_ASSET_SEED = 1
/** Image names of an asset data set carry this year (the demo's categories use 2010-2012). */
export const ASSET_STEM_YEAR = 2020

/**
 * The demo's proportions before its val grew (SIZE_PRESETS): an asset's images are one total, so a larger val would
 * take images from trn and test, and change the benchmarks already made from assets.
 */
const PROPORTIONS: Record<Split, number> = { trn: 200, val: 25, test: 50 }

/**
 * Splits `images` in PROPORTIONS, with at least 2 images in val and test so that every split has a pair.
 */
export function splitCounts(images: number): Record<Split, number> {
  if (!Number.isInteger(images) || images < MIN_ASSET_IMAGES || images > 99999) {
    throw new RangeError(`images must be an integer in ${MIN_ASSET_IMAGES}..99999, got ${images}`)
  }
  const all = PROPORTIONS.trn + PROPORTIONS.val + PROPORTIONS.test
  const val = Math.max(2, Math.round((images * PROPORTIONS.val) / all))
  const test = Math.max(2, Math.round((images * PROPORTIONS.test) / all))
  return { trn: images - val - test, val, test }
}

/**
 * An SPair-71k-style benchmark rendered from an animated glTF asset with the demo's cameras,
 * lights, backgrounds, occluders and truncation (see the tree's README). Deterministic for a
 * seed: the same asset, keypoint file and options give byte-identical files.
 */
export async function makeAssetDataset(options: MakeAssetDatasetOptions): Promise<AssetDatasetSummary> {
  const counts = splitCounts(options.images ?? DEFAULT_ASSET_IMAGES)
  const seed = options.seed ?? DEFAULT_ASSET_SEED
  const loaded = await readKeypointFile(options.keypoints)
  const assetPath = options.asset ?? loaded.assetPath
  const asset = await readGltfAsset(assetPath)
  const file = loaded.file
  const category = file.category ?? basename(assetPath, extname(assetPath)).toLowerCase().replace(/[^a-z0-9_]/g, '_')
  const definition = assetCategory(asset, file, category, loaded.path)
  const animations = asset.animations.length === 0 ? 'none (rest pose)' : asset.animations.map((a) => `${a.name} (${a.duration.toFixed(2)} s)`).join(', ')
  const summary = await writeSyntheticTree({
    out: options.out,
    seed,
    counts,
    categories: [{ definition, year: ASSET_STEM_YEAR, mirror: file.mirror }],
    record: {
      options: `asset=${asset.source}, keypoints=${basename(loaded.path)}, category=${category}, images trn/val/test=${counts.trn}/${counts.val}/${counts.test}`,
      about: [
        `Objects are the glTF asset ${asset.source} (mesh "${file.mesh}" primitive ${file.primitive} carries the keypoints),`,
        `posed at a random time of a random animation (${animations}) by linear blend skinning and morph targets,`,
        'painted with its base colour texture, under random viewpoint, scale, place, light, occluders and clutter;',
        'images come from a software rasteriser; keypoints are mesh vertices, visible where the z-buffer shows their surface.',
        ...(file.credits.length > 0 ? ['', 'Credits for the asset (keep them with any copy of this data set or its images):', ...file.credits.map((c) => `  ${c}`)] : []),
      ],
      facts: { asset: asset.source, keypointFile: basename(loaded.path), credits: file.credits },
    },
    provenance: {
      database: `SEMAGIC rendered from ${asset.source}`,
      annotation: 'exact: the projected mesh vertices of the keypoint file',
      image: 'rendered by the SEMAGIC software rasteriser',
    },
    onProgress: options.onProgress,
    signal: options.signal,
  })
  return { ...summary, category, asset: asset.source }
}
