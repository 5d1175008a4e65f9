import type { Split } from '../spair/types'
import { CATEGORIES, findCategory } from './categories/index'
import { stemYear } from './spair-records'
import { writeSyntheticTree } from './write-tree'
import type { SyntheticSummary } from './write-tree'

export type { SyntheticSummary } from './write-tree'

export interface GenerateSyntheticOptions {
  /** Folder to create; it must not exist or be empty. */
  out: string
  /** Default: every registered category, in registry order. */
  categories?: string[]
  seed?: number
  trainImages?: number
  valImages?: number
  testImages?: number
  /** Default image counts per category: full 200/100/50, small 8/3/4 (tests, demos). */
  size?: 'small' | 'full'
  /** Counts written images, then one step per split for its pair files. */
  onProgress?: (done: number, total: number) => void
  signal?: AbortSignal
}

/**
 * Every image is drawn from its own seed (category, split, index), so a count changes only its split. Val was 25
 * until 2026-12-07: too few to resolve the 1-3 point differences between settings (docs/experiments/larger-val.md).
 */
export const SIZE_PRESETS: Record<'small' | 'full', Record<Split, number>> = {
  full: { trn: 200, val: 100, test: 50 },
  small: { trn: 8, val: 3, test: 4 },
}
export const DEFAULT_SEED = 1

const PROCEDURAL_ABOUT = [
  'Objects are procedural 3-D models built from ellipsoids, tapered capsules, boxes and cylinders,',
  'with random proportions, articulation, textures, viewpoint, scale, place, occluders and clutter;',
  'images come from a software rasteriser, annotations from the exact 3-D keypoints.',
]

/** The demo benchmark: the procedural categories, written as an SPair-71k-style tree. */
export async function generateSynthetic(options: GenerateSyntheticOptions): Promise<SyntheticSummary> {
  const size = options.size ?? 'full'
  if (size !== 'small' && size !== 'full') throw new RangeError(`size must be 'small' or 'full', got ${String(size)}`)
  const preset = SIZE_PRESETS[size]
  const counts: Record<Split, number> = {
    trn: options.trainImages ?? preset.trn,
    val: options.valImages ?? preset.val,
    test: options.testImages ?? preset.test,
  }
  const categories = [...new Set(options.categories ?? CATEGORIES.map((c) => c.name))].map(findCategory)
  const names = categories.map((c) => c.name).join(',')
  return writeSyntheticTree({
    out: options.out,
    seed: options.seed ?? DEFAULT_SEED,
    counts,
    categories: categories.map((definition) => ({ definition, year: stemYear(CATEGORIES.indexOf(definition)) })),
    record: {
      options: `size=${size}, categories=${names}, images per category trn/val/test=${counts.trn}/${counts.val}/${counts.test}`,
      about: PROCEDURAL_ABOUT,
      facts: { size },
    },
    onProgress: options.onProgress,
    signal: options.signal,
  })
}
