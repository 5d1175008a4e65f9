import type { Migration } from '../migration'
import { m0001Core } from './0001-core'
import { m0002Datasets } from './0002-datasets'
import { m0003Curation } from './0003-curation'
import { m0004JobOwner } from './0004-job-owner'
import { m0005Features } from './0005-features'
import { m0006Eval } from './0006-eval'
import { m0007Train } from './0007-train'
import { m0008SavedViews } from './0008-saved-views'
import { m0009JobErrorCode } from './0009-job-error-code'
import { m0010DatasetFormats } from './0010-dataset-formats'
import { m0011RunDevice } from './0011-run-device'

/** Append only. Never edit a migration that has shipped: add the next one. */
export const MIGRATIONS: readonly Migration[] = [m0001Core, m0002Datasets, m0003Curation, m0004JobOwner, m0005Features, m0006Eval, m0007Train, m0008SavedViews, m0009JobErrorCode, m0010DatasetFormats, m0011RunDevice]
