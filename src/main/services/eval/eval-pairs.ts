import { createHash } from 'node:crypto'
import type { PairItem, Split } from '../../../shared/ipc/channels/datasets'
import type { Db } from '../../store/migration'
import type { DatasetRow } from '../datasets/dataset-queries'

export interface EvalPair {
  pair: PairItem
  trgSize: [number, number]
}

/**
 * The pairs of one split that an evaluation scores, with the target image sizes: the imported
 * ground truth, minus pairs and images that curation excluded.
 */
export function evalPairs(db: Db, ds: DatasetRow, split: Split): EvalPair[] {
  const excludedPairs = new Set(
    (db.prepare(`SELECT name FROM pair_overlays WHERE dataset_id = ? AND split = ? AND field = 'excluded'`).all(ds.id, split) as {
      name: string
    }[]).map((r) => r.name),
  )
  const excludedImages = new Set(
    (db.prepare(`SELECT category, stem FROM image_overlays WHERE dataset_id = ? AND field = 'excluded'`).all(ds.id) as {
      category: string
      stem: string
    }[]).map((r) => `${r.category}/${r.stem}`),
  )
  const rows = db
    .prepare(
      `SELECT p.*, c.name AS category, s.stem AS src_stem, t.stem AS trg_stem, t.width AS trg_w, t.height AS trg_h
       FROM pairs p JOIN categories c ON c.id = p.category_id
       JOIN images s ON s.id = p.src_image_id JOIN images t ON t.id = p.trg_image_id
       WHERE p.dataset_id = ? AND p.split = ? ORDER BY c.name, p.pair_id, p.name`,
    )
    .all(ds.id, split) as PairRow[]
  const box = (a: number | null, b: number | null, c: number | null, d: number | null): [number, number, number, number] | null =>
    a === null || b === null || c === null || d === null ? null : [a, b, c, d]
  return rows
    .filter((r) => !excludedPairs.has(r.name) && !excludedImages.has(`${r.category}/${r.src_stem}`) && !excludedImages.has(`${r.category}/${r.trg_stem}`))
    .map((r) => ({
      trgSize: [r.trg_w, r.trg_h],
      pair: {
        split: r.split,
        name: r.name,
        file: r.file,
        pairId: r.pair_id,
        category: r.category,
        srcStem: r.src_stem,
        trgStem: r.trg_stem,
        srcBbox: box(r.src_x1, r.src_y1, r.src_x2, r.src_y2),
        trgBbox: box(r.trg_x1, r.trg_y1, r.trg_x2, r.trg_y2),
        flags: {
          mirror: r.mirror,
          viewpointVariation: r.viewpoint_variation,
          scaleVariation: r.scale_variation,
          truncation: r.truncation,
          occlusion: r.occlusion,
        },
        kpsIds: JSON.parse(r.kps_ids) as number[],
        srcKps: JSON.parse(r.src_kps) as [number, number][],
        trgKps: JSON.parse(r.trg_kps) as [number, number][],
      },
    }))
}

/** The data set version an evaluation depends on: its indexed content and what curation left out. */
export function datasetVersion(db: Db, ds: DatasetRow): string {
  const excluded = db
    .prepare(
      `SELECT 'p' || split || '/' || name AS k FROM pair_overlays WHERE dataset_id = ? AND field = 'excluded'
       UNION ALL SELECT 'i' || category || '/' || stem FROM image_overlays WHERE dataset_id = ? AND field = 'excluded' ORDER BY k`,
    )
    .all(ds.id, ds.id) as { k: string }[]
  if (excluded.length === 0) return ds.content_hash
  return `${ds.content_hash}+${createHash('sha1').update(excluded.map((e) => e.k).join('\n')).digest('hex').slice(0, 12)}`
}

interface PairRow {
  split: Split
  name: string
  file: string
  pair_id: number
  category: string
  src_stem: string
  trg_stem: string
  trg_w: number
  trg_h: number
  src_x1: number | null
  src_y1: number | null
  src_x2: number | null
  src_y2: number | null
  trg_x1: number | null
  trg_y1: number | null
  trg_x2: number | null
  trg_y2: number | null
  mirror: number | null
  viewpoint_variation: number | null
  scale_variation: number | null
  truncation: number | null
  occlusion: number | null
  kps_ids: string
  src_kps: string
  trg_kps: string
}
