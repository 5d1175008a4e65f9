import type { CuratedKeypoint } from '../../../shared/ipc/channels/curation'
import type { Point, Split } from '../../../shared/ipc/channels/datasets'
import type { SpairImage } from '../../datasets/spair/types'
import { applyImageOverlays } from '../../datasets/curation/overlays'
import type { Db } from '../../store/migration'
import { imageFields } from '../datasets/dataset-queries'
import type { DatasetRow, ImageRow } from '../datasets/dataset-queries'

/** An imported image's record with its curation applied: keypoints carry their visibility. */
export interface CuratedImageRecord extends Omit<SpairImage, 'annotationFile' | 'keypoints'> {
  keypoints: (CuratedKeypoint | null)[]
  excluded: boolean
  tags: string[]
  note: string
  splits: Split[]
}

export interface PairRecord {
  split: Split
  name: string
  pairId: number
  category: string
  srcStem: string
  trgStem: string
  mirror: number | null
  viewpointVariation: number | null
  scaleVariation: number | null
  truncation: number | null
  occlusion: number | null
  excluded: boolean
  /** The keypoint ids the imported pair file listed. */
  kpsIds: number[]
}

export interface CuratedDataset {
  images: Map<string, CuratedImageRecord>
  pairs: PairRecord[]
  layouts: { layout: 'large' | 'small'; split: Split; pairName: string }[]
}

export const imageKey = (category: string, stem: string): string => `${category}/${stem}`

/** The whole data set as curation sees it: every overlay applied, originals untouched. */
export function loadCurated(db: Db, ds: DatasetRow): CuratedDataset {
  const overlays = new Map<string, Map<string, unknown>>()
  for (const r of db.prepare('SELECT category, stem, field, value FROM image_overlays WHERE dataset_id = ?').all(ds.id) as {
    category: string
    stem: string
    field: string
    value: string
  }[]) {
    const key = imageKey(r.category, r.stem)
    const m = overlays.get(key) ?? new Map<string, unknown>()
    m.set(r.field, JSON.parse(r.value) as unknown)
    overlays.set(key, m)
  }
  const keypoints = new Map<number, (Point | null)[]>()
  for (const r of db
    .prepare('SELECT k.image_id, k.kp_id, k.x, k.y FROM image_keypoints k JOIN images i ON i.id = k.image_id WHERE i.dataset_id = ?')
    .all(ds.id) as { image_id: number; kp_id: number; x: number; y: number }[]) {
    const slots = keypoints.get(r.image_id) ?? new Array<Point | null>(30).fill(null)
    slots[r.kp_id] = [r.x, r.y]
    keypoints.set(r.image_id, slots)
  }
  const splits = new Map<number, Split[]>()
  for (const r of db
    .prepare('SELECT s.image_id, s.split FROM image_splits s JOIN images i ON i.id = s.image_id WHERE i.dataset_id = ? ORDER BY s.split')
    .all(ds.id) as { image_id: number; split: Split }[]) {
    splits.set(r.image_id, [...(splits.get(r.image_id) ?? []), r.split])
  }

  const images = new Map<string, CuratedImageRecord>()
  const rows = db
    .prepare(
      `SELECT i.*, c.name AS category FROM images i JOIN categories c ON c.id = i.category_id
       WHERE i.dataset_id = ? ORDER BY c.name, i.stem`,
    )
    .all(ds.id) as CuratedImageRow[]
  for (const r of rows) {
    const original = {
      ...imageFields(r),
      keypointCount: 0,
      splits: splits.get(r.id) ?? [],
      keypoints: keypoints.get(r.id) ?? new Array<Point | null>(30).fill(null),
    }
    const curated = applyImageOverlays(original, overlays.get(imageKey(r.category, r.stem)) ?? new Map())
    images.set(imageKey(r.category, r.stem), {
      ...original,
      bbox: curated.bbox,
      keypoints: curated.keypoints,
      excluded: curated.excluded,
      tags: curated.tags,
      note: curated.note,
    })
  }

  const excludedPairs = new Set(
    (db.prepare(`SELECT split, name FROM pair_overlays WHERE dataset_id = ? AND field = 'excluded'`).all(ds.id) as {
      split: string
      name: string
    }[]).map((r) => `${r.split}/${r.name}`),
  )
  const pairs = (
    db
      .prepare(
        `SELECT p.split, p.name, p.pair_id, c.name AS category, s.stem AS src_stem, t.stem AS trg_stem,
                p.mirror, p.viewpoint_variation, p.scale_variation, p.truncation, p.occlusion, p.kps_ids
         FROM pairs p JOIN categories c ON c.id = p.category_id
         JOIN images s ON s.id = p.src_image_id JOIN images t ON t.id = p.trg_image_id
         WHERE p.dataset_id = ? ORDER BY p.split, p.pair_id, p.name`,
      )
      .all(ds.id) as PairRow[]
  ).map(
    (r): PairRecord => ({
      split: r.split,
      name: r.name,
      pairId: r.pair_id,
      category: r.category,
      srcStem: r.src_stem,
      trgStem: r.trg_stem,
      mirror: r.mirror,
      viewpointVariation: r.viewpoint_variation,
      scaleVariation: r.scale_variation,
      truncation: r.truncation,
      occlusion: r.occlusion,
      excluded: excludedPairs.has(`${r.split}/${r.name}`),
      kpsIds: JSON.parse(r.kps_ids) as number[],
    }),
  )
  const layouts = (
    db.prepare('SELECT layout, split, pair_name FROM layouts WHERE dataset_id = ? ORDER BY layout, split, position').all(ds.id) as {
      layout: 'large' | 'small'
      split: Split
      pair_name: string
    }[]
  ).map((r) => ({ layout: r.layout, split: r.split, pairName: r.pair_name }))
  return { images, pairs, layouts }
}

type CuratedImageRow = Omit<ImageRow, 'kp_count' | 'splits'>

interface PairRow {
  split: Split
  name: string
  pair_id: number
  category: string
  src_stem: string
  trg_stem: string
  mirror: number | null
  viewpoint_variation: number | null
  scale_variation: number | null
  truncation: number | null
  occlusion: number | null
  kps_ids: string
}
