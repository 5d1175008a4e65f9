import type { Migration } from '../migration'

/**
 * Evaluation caches. A prediction is keyed by the method with every parameter and weight that
 * changes it, the data set version and the pair; a report by the same plus the evaluation
 * options. Repeating an evaluation is then a lookup.
 */
export const m0006Eval: Migration = {
  version: 6,
  name: 'eval',
  sql: `
    CREATE TABLE predictions (
      method_key TEXT NOT NULL,
      dataset_version TEXT NOT NULL,
      split TEXT NOT NULL,
      pair TEXT NOT NULL,
      kps TEXT NOT NULL,
      PRIMARY KEY (method_key, dataset_version, split, pair)
    ) WITHOUT ROWID;
    CREATE TABLE reports (
      report_key TEXT PRIMARY KEY,
      method TEXT NOT NULL,
      method_key TEXT NOT NULL,
      dataset TEXT NOT NULL,
      dataset_version TEXT NOT NULL,
      split TEXT NOT NULL,
      options TEXT NOT NULL,
      report TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX reports_by_dataset ON reports (dataset, split, created_at DESC);
  `,
}
