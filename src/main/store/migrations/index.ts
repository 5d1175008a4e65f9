import type { Migration } from '../migration'
import { m0001Core } from './0001-core'
import { m0002Datasets } from './0002-datasets'

/** Append only. Never edit a migration that has shipped: add the next one. */
export const MIGRATIONS: readonly Migration[] = [m0001Core, m0002Datasets]
