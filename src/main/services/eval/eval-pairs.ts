import { createHash } from 'node:crypto'
import type { PairItem, Split } from '../../../shared/ipc/channels/datasets'
import type { Db } from '../../store/migration'
import { toPairItem } from '../datasets/dataset-queries'
import type { DatasetRow, PairRow } from '../datasets/dataset-queries'
import type { TransferPair } from '../../transfer/transfer-method'

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
    .all(ds.id, split) as EvalPairRow[]
  return rows
    .filter((r) => !excludedPairs.has(r.name) && !excludedImages.has(`${r.category}/${r.src_stem}`) && !excludedImages.has(`${r.category}/${r.trg_stem}`))
    .map((r) => ({ trgSize: [r.trg_w, r.trg_h], pair: toPairItem(r) }))
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

type EvalPairRow = PairRow & { trg_w: number; trg_h: number }

/** What a method sees of an evaluated pair. */
export const transferPairOf = ({ pair, trgSize }: EvalPair): TransferPair => ({
  split: pair.split,
  name: pair.name,
  category: pair.category,
  srcKey: `${pair.category}/${pair.srcStem}`,
  trgKey: `${pair.category}/${pair.trgStem}`,
  srcKps: pair.srcKps,
  trgBbox: pair.trgBbox,
  trgSize,
})
