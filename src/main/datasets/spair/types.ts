import type { ImportWarning, LayoutSize, Split } from '../../../shared/ipc/channels/datasets'

export type { ImportWarning, LayoutSize, Split }

/** ImageAnnotation `kps` always has 30 slots "0".."29" (devkit asserts it); index = keypoint id. */
export const KEYPOINT_SLOTS = 30

export type Point = [number, number]
/** Corners [x1, y1, x2, y2]. */
export type Bbox = [number, number, number, number]

/** Reports a problem in one file; `field` names the JSON field (or `line N`, `(json)`). */
export type Warn = (file: string, field: string, message: string) => void

export interface SpairImage {
  /** From the JSON `category`, not from the folder name. */
  category: string
  stem: string
  /** Paths relative to the root, '/'-separated. */
  annotationFile: string
  file: string
  maskFile: string | null
  width: number
  height: number
  depth: number | null
  bbox: Bbox | null
  pose: string | null
  truncated: number | null
  occluded: number | null
  difficult: number | null
  azimuthId: number | null
  keypoints: (Point | null)[]
}

export interface PairFlags {
  mirror: number | null
  viewpointVariation: number | null
  scaleVariation: number | null
  truncation: number | null
  occlusion: number | null
}

export interface SpairPair {
  split: Split
  /** Canonical `PPPPPP-<src>-<trg>:<category>` whatever separator the file name used. */
  name: string
  file: string
  pairId: number
  category: string
  srcStem: string
  trgStem: string
  srcImsize: number[] | null
  trgImsize: number[] | null
  srcBbox: Bbox | null
  trgBbox: Bbox | null
  flags: PairFlags
  kpsIds: number[]
  srcKps: Point[]
  trgKps: Point[]
}

export interface LayoutEntry {
  layout: LayoutSize
  split: Split
  /** 1-based line in the Layout file. */
  line: number
  pairName: string
}
