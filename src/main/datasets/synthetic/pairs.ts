import type { BBox, PixelPoint } from './annotate'
import type { Rng } from './random'

/** What pairing needs to know about an image. */
export interface PairableImage {
  keypoints: readonly (PixelPoint | null)[]
  azimuthId: number
  bbox: BBox
  truncated: boolean
  occluded: boolean
}

/** SPair's 0 Easy / 1 Medium / 2 Difficult. */
export type Difficulty = 0 | 1 | 2
/** SPair's 0 none / 1 source / 2 target / 3 both. */
export type SideFlag = 0 | 1 | 2 | 3

/** Circular distance of the azimuth bins: 0 -> Easy, 1-2 -> Medium, 3-4 -> Difficult. */
export function viewpointVariation(srcBin: number, trgBin: number): Difficulty {
  const d = Math.abs(srcBin - trgBin) % 8
  const bins = Math.min(d, 8 - d)
  return bins === 0 ? 0 : bins <= 2 ? 1 : 2
}

/** Ratio r >= 1 of the boxes' longer sides (the PCK threshold's length): < 1.5 Easy, < 2 Medium, else Difficult. */
export const SCALE_RATIO_THRESHOLDS = [1.5, 2] as const

export function scaleVariation(src: BBox, trg: BBox): Difficulty {
  const a = Math.max(src[2] - src[0], src[3] - src[1], 1)
  const b = Math.max(trg[2] - trg[0], trg[3] - trg[1], 1)
  const r = Math.max(a / b, b / a)
  return r < SCALE_RATIO_THRESHOLDS[0] ? 0 : r < SCALE_RATIO_THRESHOLDS[1] ? 1 : 2
}

export function sideFlag(src: boolean, trg: boolean): SideFlag {
  return ((src ? 1 : 0) + (trg ? 2 : 0)) as SideFlag
}

/** Keypoint ids annotated in both images, ascending. */
export function sharedKeypoints(src: PairableImage, trg: PairableImage): number[] {
  const ids: number[] = []
  src.keypoints.forEach((k, id) => {
    if (k !== null && trg.keypoints[id] != null) ids.push(id)
  })
  return ids
}

/**
 * Selected image pairs per image and split (each written in both directions), which gives
 * about 4 / 8 / 12 pair files per image as SPair's density suggests, while staying fast.
 */
export const PAIRS_PER_IMAGE = { trn: 2, val: 4, test: 6 } as const

/** Layout/small keeps every n-th selected image pair (both directions), about SPair's 20 %. */
export const SMALL_LAYOUT_EVERY = 5

/** Pairs with fewer shared keypoints are used only when too few reach this. */
export const PREFERRED_SHARED_KEYPOINTS = 3

/**
 * Up to `count` unordered pairs (i < j) of distinct images in random order, preferring pairs
 * that share at least PREFERRED_SHARED_KEYPOINTS keypoints and never taking one sharing none.
 */
export function selectPairs(rng: Rng, images: readonly PairableImage[], count: number): [number, number][] {
  const candidates: [number, number, number][] = []
  for (let i = 0; i < images.length; i++) {
    for (let j = i + 1; j < images.length; j++) candidates.push([i, j, sharedKeypoints(images[i]!, images[j]!).length])
  }
  rng.shuffle(candidates)
  const preferred = candidates.filter((c) => c[2] >= PREFERRED_SHARED_KEYPOINTS)
  const fallback = candidates.filter((c) => c[2] > 0 && c[2] < PREFERRED_SHARED_KEYPOINTS)
  return [...preferred, ...fallback].slice(0, count).map(([i, j]) => [i, j])
}
