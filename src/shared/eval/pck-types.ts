import type { Split } from '../ipc/channels/datasets'

/** SPair difficulty flags, named as in the pair JSON so that reports read like the data set. */
export const FLAG_NAMES = ['viewpoint_variation', 'scale_variation', 'truncation', 'occlusion'] as const
export type FlagName = (typeof FLAG_NAMES)[number]

/** [x, y] in original target pixels. */
export type Xy = readonly [number, number]

/** One pair to score: ground truth in original target pixels and one prediction per keypoint row. */
export interface ScoredPair {
  split: Split
  name: string
  category: string
  /** null = the pair JSON did not carry the flag; such a pair is left out of that flag's breakdown only. */
  flags: Readonly<Record<FlagName, number | null>>
  kpsIds: readonly number[]
  trgKps: readonly Xy[]
  /** Corners [x1, y1, x2, y2]; null = none annotated. */
  trgBbox: readonly [number, number, number, number] | null
  /** [width, height] of the target image. */
  trgImageSize: readonly [number, number]
  /** Row i predicts trgKps[i]; null, a NaN coordinate or a row past the end is a missing prediction (wrong). */
  predicted: readonly (Xy | null | undefined)[]
}

/**
 * T, the length alpha scales: 'bbox' max side of the target box (SPair-71k, CUB), 'image' max
 * side of the target image (PF-PASCAL), 'bbox-kp' max side of the box around the target's
 * annotated keypoints of the pair (PF-WILLOW, which has no boxes: Proposal Flow, NCNet, HPF).
 */
export const THRESHOLD_KINDS = ['bbox', 'image', 'bbox-kp'] as const
export type ThresholdKind = (typeof THRESHOLD_KINDS)[number]
/** 'le' counts err <= alpha*T as correct (HPF, DIFT, CHM); 'lt' counts err < alpha*T (SD-DINO, GeoAware). */
export type Compare = 'le' | 'lt'

export interface PckOptions {
  /** Numbers are written as their shortest decimal ("0.1"); strings are kept as given ("0.10"). */
  alphas?: readonly (number | string)[]
  threshold?: ThresholdKind
  compare?: Compare
}

export interface ReportMeta {
  method: string
  dataset: string
  split: Split
  cache: 'hit' | 'miss'
}

/** Keys are the alpha strings of `PckReport.alphas`. */
export type ByAlpha<T> = Record<string, T>

export interface OverallCell {
  perImage: number
  perPoint: number
  meanOfCategories: number
  pairs: number
  points: number
}
export interface CategoryCell {
  perImage: number
  perPoint: number
  pairs: number
  points: number
}
export interface FlagCell {
  perImage: number
  perPoint: number
  pairs: number
}
export interface KeypointCell {
  perPoint: number
  points: number
}

/**
 * Fractions in [0, 1]; 0 where nothing was scored (the `pairs`/`points` counts say so), because
 * JSON has no NaN. Categories are sorted by name, flag levels and keypoint ids numerically.
 */
export interface PckReport {
  method: string
  dataset: string
  split: Split
  threshold: ThresholdKind
  compare: Compare
  alphas: string[]
  /** Pairs scored against the image size because the bbox threshold had no usable bbox. */
  fallbacks: number
  overall: ByAlpha<OverallCell>
  categories: Record<string, ByAlpha<CategoryCell>>
  flags: Record<FlagName, Record<string, ByAlpha<FlagCell>>>
  keypoints: Record<string, Record<string, ByAlpha<KeypointCell>>>
  cache: 'hit' | 'miss'
}
