import type { Migration } from '../migration'

/**
 * Training runs' summaries (final losses, steps, duration) beside their config, and fitted
 * instance meshes cached per (checkpoint, image content, crop): fitting a test image takes
 * 150 optimisation steps, so an evaluation asked twice must not fit twice.
 */
export const m0007Train: Migration = {
  version: 7,
  name: 'train',
  sql: `
    ALTER TABLE runs ADD COLUMN summary TEXT;
    CREATE TABLE mesh_fits (
      checkpoint TEXT NOT NULL,
      image TEXT NOT NULL,
      fit TEXT NOT NULL,
      vertices BLOB NOT NULL,
      projected BLOB NOT NULL,
      visible BLOB NOT NULL,
      created_at TEXT NOT NULL,
      PRIMARY KEY (checkpoint, image)
    ) WITHOUT ROWID;
  `,
}
