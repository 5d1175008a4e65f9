import type { Migration } from '../migration'

/**
 * Curation as overlays: the imported index (and the files on disk) are never modified. An
 * overlay row holds the current edited value of one field of one image or pair, addressed by
 * natural keys so that it survives a re-import of the tree. `edits` is the history: each row
 * records the overlay value before and after, so undo and redo only swap overlay values. Edits
 * made by one gesture share a batch and are undone together.
 */
export const m0003Curation: Migration = {
  version: 3,
  name: 'curation',
  sql: `
    CREATE TABLE image_overlays (
      dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      category TEXT NOT NULL,
      stem TEXT NOT NULL,
      field TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (dataset_id, category, stem, field)
    ) WITHOUT ROWID;
    CREATE TABLE pair_overlays (
      dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      split TEXT NOT NULL,
      name TEXT NOT NULL,
      field TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (dataset_id, split, name, field)
    ) WITHOUT ROWID;
    CREATE TABLE edits (
      id INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      batch INTEGER NOT NULL,
      target_kind TEXT NOT NULL CHECK (target_kind IN ('image', 'pair')),
      target_a TEXT NOT NULL,
      target_b TEXT NOT NULL,
      field TEXT NOT NULL,
      before TEXT,
      after TEXT,
      label TEXT NOT NULL,
      author TEXT NOT NULL,
      created_at TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('applied', 'undone', 'discarded'))
    );
    CREATE INDEX edits_by_dataset ON edits (dataset_id, batch, id);
    CREATE INDEX edits_by_target ON edits (dataset_id, target_kind, target_a, target_b);
  `,
}
