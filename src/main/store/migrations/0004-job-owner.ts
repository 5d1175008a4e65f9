import type { Migration } from '../migration'

/** The process that runs a job, so that another process opening the workspace leaves it alone. */
export const m0004JobOwner: Migration = {
  version: 4,
  name: 'job-owner',
  sql: `ALTER TABLE jobs ADD COLUMN owner_pid INTEGER;`,
}
