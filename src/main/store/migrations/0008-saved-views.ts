import type { Migration } from '../migration'

/**
 * Named filter sets of the Data sets view. Filters are stored as the contract's JSON (validated
 * on the way in and out) rather than as columns, so that a new filter needs no migration. A view
 * belongs to its data set: categories and tags only mean something there.
 */
export const m0008SavedViews: Migration = {
  version: 8,
  name: 'saved-views',
  sql: `
    CREATE TABLE saved_views (
      dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      filters TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (dataset_id, name)
    ) WITHOUT ROWID;
  `,
}
