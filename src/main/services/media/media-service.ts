import { extname } from 'node:path'
import { resolveInside } from '../../security/confine-path'
import type { Db } from '../../store/migration'
import { findDataset } from '../datasets/dataset-queries'

const MEDIA_TYPES = new Set(['.jpg', '.jpeg', '.png'])
export const MEDIA_PREFIX = '/media/'

/**
 * Image and mask files for the views, by URL `/media/<data set name>/<path inside its root>`.
 * Only files of a registered data set's root, only images: a path that leaves the root (also
 * through `..`, encodings or symlinks) or names another kind of file is refused.
 */
export class MediaService {
  constructor(private readonly db: Db) {}

  resolve(urlPath: string): string | null {
    if (!urlPath.startsWith(MEDIA_PREFIX)) return null
    const rest = urlPath.slice(MEDIA_PREFIX.length)
    const slash = rest.indexOf('/')
    if (slash <= 0) return null
    let name: string
    try {
      name = decodeURIComponent(rest.slice(0, slash))
    } catch {
      return null
    }
    const dataset = findDataset(this.db, name)
    if (!dataset) return null
    const file = resolveInside(dataset.root, rest.slice(slash))
    return file && MEDIA_TYPES.has(extname(file).toLowerCase()) ? file : null
  }
}
