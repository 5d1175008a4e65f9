import { DATASET_FORMAT_LABELS as FORMAT_LABELS } from '../../shared/ipc/channels/datasets'
import type { CubSampling, DatasetFormat } from '../../shared/ipc/channels/datasets'
import { AppError } from '../core/app-error'
import { DEFAULT_CUB_SAMPLING } from './cub/cub-sampling'
import { assertCubRoot, scanCub } from './cub/cub-tree'
import type { TreeScan } from './index-data'
import { assertPfPascalRoot, scanPfPascal } from './proposal-flow/pascal-tree'
import { assertPfWillowRoot, scanPfWillow } from './proposal-flow/willow-tree'
import { readSpairTree } from './spair/read-tree'
import { assertSpairRoot, scanSpairTree } from './spair/scan-tree'
import type { Warn } from './spair/types'

/** One clear error for a root that is not a tree of that format (checked before a job starts). */
export function assertRoot(format: DatasetFormat, root: string): void {
  const check = { spair: assertSpairRoot, 'pf-pascal': assertPfPascalRoot, 'pf-willow': assertPfWillowRoot, cub: assertCubRoot }[format]
  check(root)
}

/** The options a format's import is recorded with (CUB's draw), defaults filled in; null for the others. */
export function samplingOf(format: DatasetFormat, given: Partial<CubSampling> | undefined): CubSampling | null {
  if (format !== 'cub') {
    if (given && Object.keys(given).length > 0) throw new AppError('BAD_INPUT', `sampling options apply to CUB-200-2011 only, not ${FORMAT_LABELS[format]}`)
    return null
  }
  return { ...DEFAULT_CUB_SAMPLING, ...given }
}

/** Lists the files a format's import reads (names, sizes, mtimes: the fingerprint), reading none. */
export async function scanTree(format: DatasetFormat, root: string, warn: Warn, sampling: CubSampling | null): Promise<TreeScan> {
  switch (format) {
    case 'pf-pascal':
      return scanPfPascal(root, warn)
    case 'pf-willow':
      return scanPfWillow(root, warn)
    case 'cub':
      return scanCub(root, warn, sampling ?? DEFAULT_CUB_SAMPLING)
    default: {
      const scan = await scanSpairTree(root, warn)
      if (scan.imageAnnotations.length === 0) {
        throw new AppError('BAD_INPUT', `${root} is not an SPair-71k tree: ImageAnnotation/ has no <category>/<image>.json files`)
      }
      return { fingerprint: scan.fingerprint, read: (w, hooks) => readSpairTree(scan, w, hooks) }
    }
  }
}
