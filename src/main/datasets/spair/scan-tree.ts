import { createHash } from 'node:crypto'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { SPAIR_SPLITS } from '../../../shared/ipc/channels/datasets'
import { AppError } from '../../core/app-error'
import { forEachSliced } from './sliced'
import type { LayoutSize, Split, Warn } from './types'

/** Bumped when the reader changes what it indexes, so that an unchanged tree is read again. */
export const IMPORTER_VERSION = 'spair-index/1'

export interface ScannedFile {
  /** Relative to the root, '/'-separated. */
  rel: string
  size: number
  mtimeMs: number
}

export interface SpairScan {
  root: string
  imageAnnotations: (ScannedFile & { folder: string; stem: string })[]
  pairAnnotations: (ScannedFile & { split: Split; stem: string })[]
  layouts: (ScannedFile & { layout: LayoutSize; split: Split })[]
  /** null when the tree has no `JPEGImages/` at all (an annotation-only copy). */
  jpegs: Map<string, ScannedFile> | null
  masks: Map<string, ScannedFile>
  /** Over names, sizes and mtimes of every file read or checked: the cheap "unchanged" test. */
  fingerprint: string
}

const isDir = (path: string): boolean => {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** One clear error for a root that is not an SPair tree at all (checked before a job starts). */
export function assertSpairRoot(root: string): void {
  if (!isDir(root)) throw new AppError('BAD_INPUT', `${root} is not a folder`)
  const missing = ['ImageAnnotation', 'PairAnnotation'].filter((d) => !isDir(join(root, d)))
  if (missing.length === 0) return
  const nested = isDir(join(root, 'SPair-71k', 'ImageAnnotation')) ? ` (did you mean ${join(root, 'SPair-71k')}?)` : ''
  throw new AppError(
    'BAD_INPUT',
    `${root} is not an SPair-71k tree: it has no ${missing.map((d) => `${d}/`).join(' or ')} folder${nested}`,
  )
}

/** Sorted by UTF-16 code units, so that hashes do not depend on the locale or the file system's order. */
function listDir(path: string, want: 'file' | 'dir'): string[] {
  if (!existsSync(path)) return []
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => (want === 'dir' ? e.isDirectory() : e.isFile()) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** Lists every file the import reads or checks, with sizes and mtimes; reads no contents. */
export async function scanSpairTree(root: string, warn: Warn): Promise<SpairScan> {
  assertSpairRoot(root)
  const scan: SpairScan = {
    root,
    imageAnnotations: [],
    pairAnnotations: [],
    layouts: [],
    jpegs: isDir(join(root, 'JPEGImages')) ? new Map() : null,
    masks: new Map(),
    fingerprint: '',
  }
  // Listed first, stat'ed after in one sliced pass; `keep` files the result where it belongs.
  const found: { rel: string; keep: (f: ScannedFile) => void }[] = []

  for (const folder of listDir(join(root, 'ImageAnnotation'), 'dir')) {
    for (const f of listDir(join(root, 'ImageAnnotation', folder), 'file')) {
      const stem = f.slice(0, -5)
      if (f.endsWith('.json')) found.push({ rel: `ImageAnnotation/${folder}/${f}`, keep: (x) => scan.imageAnnotations.push({ ...x, folder, stem }) })
    }
  }
  for (const dir of listDir(join(root, 'PairAnnotation'), 'dir')) {
    const split = SPAIR_SPLITS.find((s) => s === dir)
    if (!split) {
      warn(`PairAnnotation/${dir}`, '(folder)', 'not a split (trn, val, test); ignored')
      continue
    }
    for (const f of listDir(join(root, 'PairAnnotation', dir), 'file')) {
      const stem = f.slice(0, -5)
      if (f.endsWith('.json')) found.push({ rel: `PairAnnotation/${dir}/${f}`, keep: (x) => scan.pairAnnotations.push({ ...x, split, stem }) })
    }
  }
  if (!isDir(join(root, 'Layout'))) warn('Layout', '(folder)', 'missing; no layouts indexed')
  for (const layout of ['large', 'small'] as const) {
    for (const split of SPAIR_SPLITS) {
      const rel = `Layout/${layout}/${split}.txt`
      if (existsSync(join(root, rel))) found.push({ rel, keep: (x) => scan.layouts.push({ ...x, layout, split }) })
    }
  }
  if (!scan.jpegs) warn('JPEGImages', '(folder)', 'missing; images are indexed without checking their files')
  for (const [top, ext, into] of [['JPEGImages', '.jpg', scan.jpegs], ['Segmentation', '.png', scan.masks]] as const) {
    if (!into) continue
    for (const folder of listDir(join(root, top), 'dir')) {
      for (const f of listDir(join(root, top, folder), 'file')) {
        if (f.endsWith(ext)) found.push({ rel: `${top}/${folder}/${f}`, keep: (x) => into.set(x.rel, x) })
      }
    }
  }

  const hash = createHash('sha256').update(`${IMPORTER_VERSION}\n`)
  await forEachSliced(found.length, (i) => {
    const { rel, keep } = found[i] as (typeof found)[number]
    let st
    try {
      st = statSync(join(root, rel))
    } catch (error) {
      warn(rel, '(file)', `vanished while scanning: ${(error as Error).message}`)
      return
    }
    hash.update(`${rel}\t${st.size}\t${st.mtimeMs}\n`)
    keep({ rel, size: st.size, mtimeMs: st.mtimeMs })
  })
  scan.fingerprint = hash.digest('hex')
  return scan
}
