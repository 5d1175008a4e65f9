import type { Migration } from '../migration'

/**
 * Data sets from other published layouts (PF-PASCAL, PF-WILLOW, CUB-200-2011) are indexed into
 * the same tables as SPair-71k, so `format` (the layout of the index) stays 'spair' and `reader`
 * says which layout the files on disk have: it picks the default PCK convention and the reader
 * of a re-import. `sampling` is CUB's recorded val/pair draw (JSON), null for the others.
 */
export const m0010DatasetFormats: Migration = {
  version: 10,
  name: 'dataset-formats',
  sql: `
    ALTER TABLE datasets ADD COLUMN reader TEXT NOT NULL DEFAULT 'spair' CHECK (reader IN ('spair', 'pf-pascal', 'pf-willow', 'cub'));
    ALTER TABLE datasets ADD COLUMN sampling TEXT;
  `,
}
