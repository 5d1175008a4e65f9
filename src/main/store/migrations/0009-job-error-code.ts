import type { Migration } from '../migration'

/**
 * A finished job keeps its error's code (STORAGE, CANCELLED, BAD_INPUT...) beside the message,
 * so that waiting on it later, or showing it after a restart, says the same as the call did
 * while it ran. Null for jobs that did not fail and for failures recorded before this column.
 */
export const m0009JobErrorCode: Migration = {
  version: 9,
  name: 'job-error-code',
  sql: `ALTER TABLE jobs ADD COLUMN error_code TEXT;`,
}
