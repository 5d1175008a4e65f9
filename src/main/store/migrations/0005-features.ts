import type { Migration } from '../migration'

/**
 * The feature cache index: one row per (backbone settings, image content, crop). The maps
 * themselves are float16 files under `<data dir>/cache/features/`. `file_hashes` remembers the
 * content hash of image files by (path, size, mtime) so that a cache check does not re-read
 * every JPEG.
 */
export const m0005Features: Migration = {
  version: 5,
  name: 'features',
  sql: `
    CREATE TABLE feature_cache (
      backbone_hash TEXT NOT NULL,
      backbone_id TEXT NOT NULL,
      image_hash TEXT NOT NULL,
      crop_key TEXT NOT NULL,
      file TEXT NOT NULL,
      channels INTEGER NOT NULL,
      height INTEGER NOT NULL,
      width INTEGER NOT NULL,
      stride REAL NOT NULL,
      bytes INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      PRIMARY KEY (backbone_hash, image_hash, crop_key)
    ) WITHOUT ROWID;
    CREATE TABLE file_hashes (
      path TEXT PRIMARY KEY,
      size INTEGER NOT NULL,
      mtime_ms REAL NOT NULL,
      sha1 TEXT NOT NULL
    ) WITHOUT ROWID;
  `,
}
