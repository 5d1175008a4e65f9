import type { Migration } from '../migration'

/**
 * Where a run's steps ran: `cpu` or `gpu`, and for a GPU the WebGPU adapter (JSON: vendor,
 * architecture, device, description, software, limits). Runs stored before ran on the CPU.
 */
export const m0011RunDevice: Migration = {
  version: 11,
  name: 'run-device',
  sql: `
    ALTER TABLE runs ADD COLUMN device TEXT NOT NULL DEFAULT 'cpu' CHECK (device IN ('cpu', 'gpu'));
    ALTER TABLE runs ADD COLUMN adapter TEXT;
  `,
}
