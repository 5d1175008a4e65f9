import type { Migration } from '../migration'

/**
 * The index of imported data sets (SPair-71k layout). Pixels stay on disk; rows hold relative
 * paths and annotations. Natural keys are stable across re-imports and are what later tables
 * (curation overlays, caches) should reference: (dataset, category name, stem) for an image,
 * (dataset, split, name) for a pair. Row ids are kept across re-imports by upserting on those
 * keys (`generation` marks the rows the last import saw; older ones are deleted), but an
 * image or pair that leaves the tree and comes back gets a new id.
 *
 * Keypoints live in their own table (one row per annotated slot) so that an overlay can
 * address one keypoint and PCK can join them; the pairs' own keypoint lists (the devkit's
 * `kps_ids`, `src_kps`, `trg_kps`, about ten rows per pair over 70k pairs) are JSON columns,
 * read a split at a time.
 */
export const m0002Datasets: Migration = {
  version: 2,
  name: 'datasets',
  sql: `
    CREATE TABLE datasets (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      format TEXT NOT NULL CHECK (format IN ('spair')),
      root TEXT NOT NULL,
      content_hash TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      segmentation_rule TEXT NOT NULL,
      generation INTEGER NOT NULL,
      images_skipped INTEGER NOT NULL DEFAULT 0,
      pairs_skipped INTEGER NOT NULL DEFAULT 0,
      imported_at TEXT NOT NULL
    );
    CREATE TABLE categories (
      id INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      generation INTEGER NOT NULL,
      UNIQUE (dataset_id, name)
    );
    CREATE TABLE images (
      id INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      category_id INTEGER NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
      stem TEXT NOT NULL,
      file TEXT NOT NULL,
      mask_file TEXT,
      width INTEGER NOT NULL,
      height INTEGER NOT NULL,
      depth INTEGER,
      bbox_x1 REAL, bbox_y1 REAL, bbox_x2 REAL, bbox_y2 REAL,
      pose TEXT,
      truncated INTEGER,
      occluded INTEGER,
      difficult INTEGER,
      azimuth_id INTEGER,
      generation INTEGER NOT NULL,
      UNIQUE (dataset_id, category_id, stem)
    );
    CREATE INDEX images_by_stem ON images (dataset_id, stem);
    CREATE TABLE image_keypoints (
      image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
      kp_id INTEGER NOT NULL CHECK (kp_id BETWEEN 0 AND 29),
      x REAL NOT NULL,
      y REAL NOT NULL,
      PRIMARY KEY (image_id, kp_id)
    ) WITHOUT ROWID;
    CREATE TABLE pairs (
      id INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      split TEXT NOT NULL CHECK (split IN ('trn', 'val', 'test')),
      name TEXT NOT NULL,
      file TEXT NOT NULL,
      pair_id INTEGER NOT NULL,
      category_id INTEGER NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
      src_image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
      trg_image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
      src_x1 REAL, src_y1 REAL, src_x2 REAL, src_y2 REAL,
      trg_x1 REAL, trg_y1 REAL, trg_x2 REAL, trg_y2 REAL,
      mirror INTEGER,
      viewpoint_variation INTEGER,
      scale_variation INTEGER,
      truncation INTEGER,
      occlusion INTEGER,
      n_kps INTEGER NOT NULL,
      kps_ids TEXT NOT NULL,
      src_kps TEXT NOT NULL,
      trg_kps TEXT NOT NULL,
      generation INTEGER NOT NULL,
      UNIQUE (dataset_id, split, name)
    );
    CREATE INDEX pairs_by_split ON pairs (dataset_id, split, pair_id);
    CREATE INDEX pairs_by_category ON pairs (dataset_id, category_id, split, pair_id);
    CREATE INDEX pairs_by_src ON pairs (src_image_id);
    CREATE INDEX pairs_by_trg ON pairs (trg_image_id);
    CREATE TABLE image_splits (
      image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
      split TEXT NOT NULL,
      PRIMARY KEY (image_id, split)
    ) WITHOUT ROWID;
    CREATE INDEX image_splits_by_split ON image_splits (split, image_id);
    CREATE TABLE layouts (
      dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      layout TEXT NOT NULL CHECK (layout IN ('large', 'small')),
      split TEXT NOT NULL CHECK (split IN ('trn', 'val', 'test')),
      pair_name TEXT NOT NULL,
      position INTEGER NOT NULL,
      PRIMARY KEY (dataset_id, layout, split, pair_name)
    ) WITHOUT ROWID;
    CREATE TABLE dataset_warnings (
      dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      file TEXT NOT NULL,
      field TEXT NOT NULL,
      message TEXT NOT NULL,
      PRIMARY KEY (dataset_id, seq)
    ) WITHOUT ROWID;
  `,
}
