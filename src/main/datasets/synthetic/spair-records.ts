import { SPAIR_SPLITS } from '../../../shared/ipc/channels/datasets'
import { pairNameOf } from '../spair/pair-name'
import { KEYPOINT_SLOTS } from '../spair/types'
import type { Split } from '../spair/types'
import type { PixelPoint } from './annotate'
import { sideFlag, scaleVariation, viewpointVariation } from './pairs'
import type { ImageFacts } from './sample-image'

/** What the image annotations' src_* fields say made them. */
export interface Provenance {
  database: string
  annotation: string
  image: string
}

export const DEMO_PROVENANCE: Provenance = {
  database: 'SEMAGIC synthetic',
  annotation: 'exact: projected from the procedural 3-D model',
  image: 'rendered by the SEMAGIC software rasteriser',
}

/**
 * VOC-like stem `YYYY_SNNNNN`: YYYY the category's year (for the demo, 2010 + its registry
 * index), S the split (1 trn, 2 val, 3 test), NNNNN the image index in that split. Unique per
 * image, stable when other categories or splits change size.
 */
export function imageStem(year: number, split: Split, index: number): string {
  if (index < 0 || index > 99999) throw new RangeError(`image index ${index} does not fit five digits`)
  return `${year}_${SPAIR_SPLITS.indexOf(split) + 1}${String(index).padStart(5, '0')}`
}

export function stemYear(categoryIndex: number): number {
  return 2010 + categoryIndex
}

/** ImageAnnotation/<category>/<stem>.json, keys in SPair's order. */
export function imageAnnotation(stem: string, category: string, facts: ImageFacts, provenance: Provenance = DEMO_PROVENANCE): Record<string, unknown> {
  if (facts.keypoints.length > KEYPOINT_SLOTS) throw new RangeError(`${category} has more than ${KEYPOINT_SLOTS} keypoints`)
  const kps: Record<string, PixelPoint | null> = {}
  for (let id = 0; id < KEYPOINT_SLOTS; id++) kps[String(id)] = facts.keypoints[id] ?? null
  return {
    filename: `${stem}.jpg`,
    src_database: provenance.database,
    src_annotation: provenance.annotation,
    src_image: provenance.image,
    image_width: facts.width,
    image_height: facts.height,
    image_depth: 3,
    category,
    pose: facts.pose,
    truncated: facts.truncated ? 1 : 0,
    occluded: facts.occluded ? 1 : 0,
    difficult: 0,
    bndbox: facts.bbox,
    kps,
    azimuth_id: facts.azimuthId,
  }
}

export interface PairSide {
  stem: string
  facts: ImageFacts
}

/** PairAnnotation/<split>/<name>.json: rows are the ids annotated in both images. */
export function pairAnnotation(pairId: number, category: string, src: PairSide, trg: PairSide, ids: readonly number[]): Record<string, unknown> {
  const at = (side: PairSide, id: number): PixelPoint => {
    const k = side.facts.keypoints[id]
    if (k == null) throw new Error(`keypoint ${id} of ${side.stem} is not annotated`)
    return k
  }
  return {
    pair_id: pairId,
    filename: pairNameOf(pairId, src.stem, trg.stem, category),
    src_imname: `${src.stem}.jpg`,
    trg_imname: `${trg.stem}.jpg`,
    src_imsize: [src.facts.width, src.facts.height, 3],
    trg_imsize: [trg.facts.width, trg.facts.height, 3],
    src_bndbox: src.facts.bbox,
    trg_bndbox: trg.facts.bbox,
    src_pose: src.facts.pose,
    trg_pose: trg.facts.pose,
    src_kps: ids.map((id) => at(src, id)),
    trg_kps: ids.map((id) => at(trg, id)),
    kps_ids: ids.map(String),
    category,
    mirror: 0,
    viewpoint_variation: viewpointVariation(src.facts.azimuthId, trg.facts.azimuthId),
    scale_variation: scaleVariation(src.facts.bbox, trg.facts.bbox),
    truncation: sideFlag(src.facts.truncated, trg.facts.truncated),
    occlusion: sideFlag(src.facts.occluded, trg.facts.occluded),
  }
}
