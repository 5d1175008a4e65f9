import { SPAIR_SPLITS } from '../../../shared/ipc/channels/datasets'
import type { CubSampling, DatasetFormat, DatasetSummary, ImageDetail, ImageItem, ImportWarning, PairItem, Split, SplitCounts } from '../../../shared/ipc/channels/datasets'
import type { ParsedRequestOf } from '../../../shared/ipc/contract'
import { notFound } from '../../core/app-error'
import type { Db } from '../../store/migration'
import { overlayConditions } from './curation-filters'

export interface DatasetRow {
  id: number
  name: string
  root: string
  content_hash: string
  fingerprint: string
  segmentation_rule: string
  /** The layout of the files on disk (migration 10). */
  reader: DatasetFormat
  /** JSON of CubSampling, or null. */
  sampling: string | null
  images_skipped: number
  pairs_skipped: number
  imported_at: string
}

export interface Page<T> {
  total: number
  offset: number
  items: T[]
}

type Nullable<T> = T | null
export interface ImageRow {
  id: number
  category: string
  stem: string
  file: string
  mask_file: string | null
  width: number
  height: number
  depth: number | null
  bbox_x1: Nullable<number>
  bbox_y1: Nullable<number>
  bbox_x2: Nullable<number>
  bbox_y2: Nullable<number>
  pose: string | null
  truncated: number | null
  occluded: number | null
  difficult: number | null
  azimuth_id: number | null
  kp_count: number
  splits: string | null
}

const zeroSplits = (): SplitCounts => ({ trn: 0, val: 0, test: 0 })
const bboxOf = (x1: Nullable<number>, y1: Nullable<number>, x2: Nullable<number>, y2: Nullable<number>): [number, number, number, number] | null =>
  x1 === null || y1 === null || x2 === null || y2 === null ? null : [x1, y1, x2, y2]

export function findDataset(db: Db, name: string): DatasetRow | undefined {
  return db.prepare('SELECT * FROM datasets WHERE name = ?').get(name) as DatasetRow | undefined
}

export function requireDataset(db: Db, name: string): DatasetRow {
  const row = findDataset(db, name)
  if (!row) throw notFound(`data set "${name}"`)
  return row
}

export function allDatasets(db: Db): DatasetRow[] {
  return db.prepare('SELECT * FROM datasets ORDER BY name').all() as DatasetRow[]
}

/** Counts from the index itself (not from the import), so that they always describe what is stored. */
export function summarize(db: Db, ds: DatasetRow): DatasetSummary {
  const categories: DatasetSummary['categories'] = {}
  const cats = db
    .prepare(
      `SELECT c.name, (SELECT COUNT(*) FROM images i WHERE i.category_id = c.id) AS images
       FROM categories c WHERE c.dataset_id = ? ORDER BY c.name`,
    )
    .all(ds.id) as { name: string; images: number }[]
  for (const c of cats) categories[c.name] = { images: c.images, pairs: zeroSplits() }
  const pairs = zeroSplits()
  const perSplit = db
    .prepare(
      `SELECT c.name AS category, p.split, COUNT(*) AS n FROM pairs p JOIN categories c ON c.id = p.category_id
       WHERE p.dataset_id = ? GROUP BY p.category_id, p.split`,
    )
    .all(ds.id) as { category: string; split: Split; n: number }[]
  for (const r of perSplit) {
    const entry = categories[r.category]
    if (entry) entry.pairs[r.split] = r.n
    pairs[r.split] += r.n
  }
  const layouts = { large: zeroSplits(), small: zeroSplits() }
  const perLayout = db
    .prepare('SELECT layout, split, COUNT(*) AS n FROM layouts WHERE dataset_id = ? GROUP BY layout, split')
    .all(ds.id) as { layout: 'large' | 'small'; split: Split; n: number }[]
  for (const r of perLayout) layouts[r.layout][r.split] = r.n
  const count = (sql: string): number => (db.prepare(sql).get(ds.id) as { n: number }).n
  return {
    name: ds.name,
    format: ds.reader,
    root: ds.root,
    sampling: ds.sampling === null ? null : (JSON.parse(ds.sampling) as CubSampling),
    contentHash: ds.content_hash,
    importedAt: ds.imported_at,
    segmentationRule: ds.segmentation_rule,
    images: count('SELECT COUNT(*) AS n FROM images WHERE dataset_id = ?'),
    keypoints: count('SELECT COUNT(*) AS n FROM image_keypoints k JOIN images i ON i.id = k.image_id WHERE i.dataset_id = ?'),
    pairs,
    categories,
    layouts,
    skipped: { images: ds.images_skipped, pairs: ds.pairs_skipped },
    warningCount: count('SELECT COUNT(*) AS n FROM dataset_warnings WHERE dataset_id = ?'),
  }
}

export function warningsPage(db: Db, ds: DatasetRow, offset: number, limit: number): Page<ImportWarning> {
  const total = (db.prepare('SELECT COUNT(*) AS n FROM dataset_warnings WHERE dataset_id = ?').get(ds.id) as { n: number }).n
  const items = db
    .prepare('SELECT file, field, message FROM dataset_warnings WHERE dataset_id = ? ORDER BY seq LIMIT ? OFFSET ?')
    .all(ds.id, limit, offset) as ImportWarning[]
  return { total, offset, items }
}

const IMAGE_SELECT = `
  SELECT i.*, c.name AS category,
    (SELECT COUNT(*) FROM image_keypoints k WHERE k.image_id = i.id) AS kp_count,
    (SELECT group_concat(s.split) FROM image_splits s WHERE s.image_id = i.id) AS splits
  FROM images i JOIN categories c ON c.id = i.category_id`

/** An image row's imported fields, as every reader of images returns them. */
export function imageFields(r: Omit<ImageRow, 'kp_count' | 'splits'>): Omit<ImageItem, 'keypointCount' | 'splits'> {
  return {
    category: r.category,
    stem: r.stem,
    file: r.file,
    maskFile: r.mask_file,
    width: r.width,
    height: r.height,
    depth: r.depth,
    bbox: bboxOf(r.bbox_x1, r.bbox_y1, r.bbox_x2, r.bbox_y2),
    pose: r.pose,
    truncated: r.truncated,
    occluded: r.occluded,
    difficult: r.difficult,
    azimuthId: r.azimuth_id,
  }
}

function toImageItem(r: ImageRow): ImageItem {
  const splits = new Set((r.splits ?? '').split(','))
  return { ...imageFields(r), keypointCount: r.kp_count, splits: SPAIR_SPLITS.filter((s) => splits.has(s)) }
}

export function imagesPage(db: Db, ds: DatasetRow, q: ParsedRequestOf<'datasets.images'>): Page<ImageItem> {
  const where = ['i.dataset_id = ?']
  const args: (string | number)[] = [ds.id]
  if (q.category !== undefined) {
    where.push('c.name = ?')
    args.push(q.category)
  }
  if (q.split !== undefined) {
    where.push('EXISTS (SELECT 1 FROM image_splits s WHERE s.image_id = i.id AND s.split = ?)')
    args.push(q.split)
  }
  const overlays = overlayConditions(q)
  where.push(...overlays.where)
  args.push(...overlays.args)
  const filter = `WHERE ${where.join(' AND ')}`
  const total = (
    db.prepare(`SELECT COUNT(*) AS n FROM images i JOIN categories c ON c.id = i.category_id ${filter}`).get(...args) as { n: number }
  ).n
  const rows = db.prepare(`${IMAGE_SELECT} ${filter} ORDER BY c.name, i.stem LIMIT ? OFFSET ?`).all(...args, q.limit, q.offset) as ImageRow[]
  return { total, offset: q.offset, items: rows.map(toImageItem) }
}

export function imageDetail(db: Db, ds: DatasetRow, category: string, stem: string): ImageDetail {
  const row = db.prepare(`${IMAGE_SELECT} WHERE i.dataset_id = ? AND c.name = ? AND i.stem = ?`).get(ds.id, category, stem) as
    | ImageRow
    | undefined
  if (!row) throw notFound(`image ${category}/${stem} in "${ds.name}"`)
  const keypoints: ([number, number] | null)[] = new Array<[number, number] | null>(30).fill(null)
  const kps = db.prepare('SELECT kp_id, x, y FROM image_keypoints WHERE image_id = ?').all(row.id) as { kp_id: number; x: number; y: number }[]
  for (const k of kps) keypoints[k.kp_id] = [k.x, k.y]
  return { ...toImageItem(row), keypoints }
}

export interface PairRow {
  split: Split
  name: string
  file: string
  pair_id: number
  category: string
  src_stem: string
  trg_stem: string
  src_x1: Nullable<number>
  src_y1: Nullable<number>
  src_x2: Nullable<number>
  src_y2: Nullable<number>
  trg_x1: Nullable<number>
  trg_y1: Nullable<number>
  trg_x2: Nullable<number>
  trg_y2: Nullable<number>
  mirror: number | null
  viewpoint_variation: number | null
  scale_variation: number | null
  truncation: number | null
  occlusion: number | null
  kps_ids: string
  src_kps: string
  trg_kps: string
  /** 1 when curation excluded the pair or an image of it; absent where a query leaves excluded pairs out. */
  excluded?: number
  /** 1 when curation excluded the pair itself; absent where a query leaves excluded pairs out. */
  pair_excluded?: number
}

const FLAG_COLUMNS = {
  mirror: 'mirror',
  viewpointVariation: 'viewpoint_variation',
  scaleVariation: 'scale_variation',
  truncation: 'truncation',
  occlusion: 'occlusion',
} as const

/**
 * A pair leaves evaluation when curation excluded it or either of its images (eval-pairs applies
 * the same rule), so the Pairs list's exclusion filter answers which pairs a PCK run will skip.
 * The excluded images are an uncorrelated subquery, which SQLite builds once into a lookup table,
 * so a test is two lookups and one primary-key seek per pair (bench/pair-filters.bench.ts).
 */
function pairExcluded(datasetId: number, p = 'p'): string {
  if (!Number.isSafeInteger(datasetId)) throw new RangeError(`dataset id ${datasetId}`)
  const excludedImages = `SELECT i.id FROM image_overlays io
    JOIN categories c ON c.dataset_id = io.dataset_id AND c.name = io.category
    JOIN images i ON i.dataset_id = io.dataset_id AND i.category_id = c.id AND i.stem = io.stem
    WHERE io.dataset_id = ${datasetId} AND io.field = 'excluded'`
  return `(${p}.src_image_id IN (${excludedImages}) OR ${p}.trg_image_id IN (${excludedImages}) OR ${pairItselfExcluded(p)})`
}

function pairItselfExcluded(p: string): string {
  return `EXISTS (SELECT 1 FROM pair_overlays po WHERE po.dataset_id = ${p}.dataset_id AND po.split = ${p}.split AND po.name = ${p}.name AND po.field = 'excluded')`
}

export function pairsPage(db: Db, ds: DatasetRow, q: ParsedRequestOf<'datasets.pairs'>): Page<PairItem> {
  const where = ['p.dataset_id = ?']
  const args: (string | number)[] = [ds.id]
  if (q.split !== undefined) {
    where.push('p.split = ?')
    args.push(q.split)
  }
  if (q.category !== undefined) {
    // Resolved first so that the (dataset, category, split, pair_id) index is used.
    const cat = db.prepare('SELECT id FROM categories WHERE dataset_id = ? AND name = ?').get(ds.id, q.category) as { id: number } | undefined
    where.push('p.category_id = ?')
    args.push(cat?.id ?? -1)
  }
  if (q.pair !== undefined) {
    where.push('p.name = ?')
    args.push(q.pair)
  }
  for (const [key, column] of Object.entries(FLAG_COLUMNS)) {
    const v = q[key as keyof typeof FLAG_COLUMNS]
    if (v !== undefined) {
      where.push(`p.${column} = ?`)
      args.push(v)
    }
  }
  if (q.layout !== undefined) {
    where.push('EXISTS (SELECT 1 FROM layouts l WHERE l.dataset_id = p.dataset_id AND l.layout = ? AND l.split = p.split AND l.pair_name = p.name)')
    args.push(q.layout)
  }
  if (q.excluded !== undefined) where.push(q.excluded ? pairExcluded(ds.id) : `NOT ${pairExcluded(ds.id)}`)
  const filter = `WHERE ${where.join(' AND ')}`
  const order = q.split !== undefined ? 'p.pair_id, p.name' : `CASE p.split WHEN 'trn' THEN 0 WHEN 'val' THEN 1 ELSE 2 END, p.pair_id, p.name`
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM pairs p ${filter}`).get(...args) as { n: number }).n
  const rows = db
    .prepare(
      // The page first, then its rows' exclusion: the rows OFFSET skips are never tested.
      `SELECT page.*, ${pairExcluded(ds.id, 'page')} AS excluded, ${pairItselfExcluded('page')} AS pair_excluded FROM (
         SELECT p.*, c.name AS category, si.stem AS src_stem, ti.stem AS trg_stem
         FROM pairs p JOIN categories c ON c.id = p.category_id
           JOIN images si ON si.id = p.src_image_id JOIN images ti ON ti.id = p.trg_image_id
         ${filter} ORDER BY ${order} LIMIT ? OFFSET ?) page`,
    )
    .all(...args, q.limit, q.offset) as PairRow[]
  return { total, offset: q.offset, items: rows.map(toPairItem) }
}

export function toPairItem(r: PairRow): PairItem {
  return {
    split: r.split,
    name: r.name,
    file: r.file,
    pairId: r.pair_id,
    category: r.category,
    srcStem: r.src_stem,
    trgStem: r.trg_stem,
    srcBbox: bboxOf(r.src_x1, r.src_y1, r.src_x2, r.src_y2),
    trgBbox: bboxOf(r.trg_x1, r.trg_y1, r.trg_x2, r.trg_y2),
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
    excluded: r.excluded === 1,
    pairExcluded: r.pair_excluded === 1,
  }
}
