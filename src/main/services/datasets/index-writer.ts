import type { CubSampling, DatasetFormat } from '../../../shared/ipc/channels/datasets'
import type { IndexData } from '../../datasets/index-data'
import type { Bbox, ImportWarning } from '../../datasets/spair/types'
import type { Db } from '../../store/migration'

export interface IndexWrite {
  name: string
  root: string
  fingerprint: string
  segmentationRule: string
  /** Which reader made `data` (the files' layout); the index itself is always SPair-shaped. */
  reader?: DatasetFormat
  sampling?: CubSampling | null
  data: IndexData
  warnings: ImportWarning[]
}

const IMAGE_COLUMNS = [
  'file', 'mask_file', 'width', 'height', 'depth', 'bbox_x1', 'bbox_y1', 'bbox_x2', 'bbox_y2',
  'pose', 'truncated', 'occluded', 'difficult', 'azimuth_id', 'generation',
] as const
const PAIR_COLUMNS = [
  'file', 'pair_id', 'category_id', 'src_image_id', 'trg_image_id',
  'src_x1', 'src_y1', 'src_x2', 'src_y2', 'trg_x1', 'trg_y1', 'trg_x2', 'trg_y2',
  'mirror', 'viewpoint_variation', 'scale_variation', 'truncation', 'occlusion',
  'n_kps', 'kps_ids', 'src_kps', 'trg_kps', 'generation',
] as const

/** INSERT ... ON CONFLICT (key) DO UPDATE of every other column, keeping the row's id. */
function upsertSql(table: string, key: readonly string[], columns: readonly string[], returning: boolean): string {
  const all = [...key, ...columns]
  return `INSERT INTO ${table} (${all.join(', ')}) VALUES (${all.map(() => '?').join(', ')})
    ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}
    ${returning ? 'RETURNING id' : ''}`
}

const box = (b: Bbox | null): (number | null)[] => b ?? [null, null, null, null]

/**
 * Stores one import in a single transaction: a failure anywhere leaves the previous index of
 * that data set exactly as it was. Rows are upserted on their natural keys under a new
 * generation and rows the tree no longer has are deleted afterwards, so that images and
 * pairs keep their ids across re-imports.
 */
export function writeSpairIndex(db: Db, w: IndexWrite): { datasetId: number; created: boolean } {
  const upsertCategory = db.prepare(upsertSql('categories', ['dataset_id', 'name'], ['generation'], true))
  const upsertImage = db.prepare(upsertSql('images', ['dataset_id', 'category_id', 'stem'], IMAGE_COLUMNS, true))
  const upsertPair = db.prepare(upsertSql('pairs', ['dataset_id', 'split', 'name'], PAIR_COLUMNS, false))
  const insertKeypoint = db.prepare('INSERT INTO image_keypoints (image_id, kp_id, x, y) VALUES (?, ?, ?, ?)')
  const insertLayout = db.prepare('INSERT INTO layouts (dataset_id, layout, split, pair_name, position) VALUES (?, ?, ?, ?, ?)')
  const insertWarning = db.prepare('INSERT INTO dataset_warnings (dataset_id, seq, file, field, message) VALUES (?, ?, ?, ?, ?)')

  return db.transaction(() => {
    const old = db.prepare('SELECT id, generation FROM datasets WHERE name = ?').get(w.name) as
      | { id: number; generation: number }
      | undefined
    const generation = (old?.generation ?? 0) + 1
    const sampling = w.sampling ? JSON.stringify(w.sampling) : null
    const values = [
      w.root, w.data.contentHash, w.fingerprint, w.segmentationRule, generation, w.data.skipped.images, w.data.skipped.pairs,
      new Date().toISOString(), w.reader ?? 'spair', sampling,
    ]
    let datasetId: number
    if (old) {
      datasetId = old.id
      db.prepare(
        `UPDATE datasets SET root = ?, content_hash = ?, fingerprint = ?, segmentation_rule = ?, generation = ?,
           images_skipped = ?, pairs_skipped = ?, imported_at = ?, reader = ?, sampling = ? WHERE id = ?`,
      ).run(...values, datasetId)
    } else {
      datasetId = (
        db
          .prepare(
            `INSERT INTO datasets (name, format, root, content_hash, fingerprint, segmentation_rule, generation,
               images_skipped, pairs_skipped, imported_at, reader, sampling) VALUES (?, 'spair', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
          )
          .get(w.name, ...values) as { id: number }
      ).id
    }

    const categoryIds = new Map<string, number>()
    const categoryId = (name: string): number => {
      let id = categoryIds.get(name)
      if (id === undefined) {
        id = (upsertCategory.get(datasetId, name, generation) as { id: number }).id
        categoryIds.set(name, id)
      }
      return id
    }
    for (const name of [...new Set(w.data.images.map((i) => i.category))].sort()) categoryId(name)

    db.prepare('DELETE FROM image_keypoints WHERE image_id IN (SELECT id FROM images WHERE dataset_id = ?)').run(datasetId)
    const imageIds = new Map<string, number>()
    for (const im of w.data.images) {
      const { id } = upsertImage.get(
        datasetId, categoryId(im.category), im.stem, im.file, im.maskFile, im.width, im.height, im.depth, ...box(im.bbox),
        im.pose, im.truncated, im.occluded, im.difficult, im.azimuthId, generation,
      ) as { id: number }
      imageIds.set(`${im.category}/${im.stem}`, id)
      for (const [kp, p] of im.keypoints.entries()) if (p) insertKeypoint.run(id, kp, p[0], p[1])
    }

    for (const p of w.data.pairs) {
      const f = p.flags
      upsertPair.run(
        datasetId, p.split, p.name, p.file, p.pairId, categoryId(p.category),
        imageIds.get(`${p.category}/${p.srcStem}`), imageIds.get(`${p.category}/${p.trgStem}`),
        ...box(p.srcBbox), ...box(p.trgBbox),
        f.mirror, f.viewpointVariation, f.scaleVariation, f.truncation, f.occlusion,
        p.kpsIds.length, JSON.stringify(p.kpsIds), JSON.stringify(p.srcKps), JSON.stringify(p.trgKps), generation,
      )
    }
    for (const table of ['pairs', 'images', 'categories']) {
      db.prepare(`DELETE FROM ${table} WHERE dataset_id = ? AND generation < ?`).run(datasetId, generation)
    }

    db.prepare('DELETE FROM image_splits WHERE image_id IN (SELECT id FROM images WHERE dataset_id = ?)').run(datasetId)
    db.prepare(
      `INSERT INTO image_splits (image_id, split)
       SELECT src_image_id, split FROM pairs WHERE dataset_id = ? UNION SELECT trg_image_id, split FROM pairs WHERE dataset_id = ?`,
    ).run(datasetId, datasetId)
    const insertSplit = db.prepare('INSERT OR IGNORE INTO image_splits (image_id, split) VALUES (?, ?)')
    for (const s of w.data.imageSplits ?? []) {
      const id = imageIds.get(`${s.category}/${s.stem}`)
      if (id !== undefined) insertSplit.run(id, s.split)
    }
    // A format's tags (CUB's species) are a starting point for curation: an image whose tags
    // curation already set keeps them, so a re-import never undoes an edit.
    const proposeTags = db.prepare(
      `INSERT OR IGNORE INTO image_overlays (dataset_id, category, stem, field, value) VALUES (?, ?, ?, 'tags', ?)`,
    )
    for (const t of w.data.tags ?? []) proposeTags.run(datasetId, t.category, t.stem, JSON.stringify([...t.tags].sort()))

    db.prepare('DELETE FROM layouts WHERE dataset_id = ?').run(datasetId)
    for (const e of w.data.layouts) insertLayout.run(datasetId, e.layout, e.split, e.pairName, e.line)
    db.prepare('DELETE FROM dataset_warnings WHERE dataset_id = ?').run(datasetId)
    for (const [seq, x] of w.warnings.entries()) insertWarning.run(datasetId, seq, x.file, x.field, x.message)
    return { datasetId, created: !old }
  })()
}
