import { createHash } from 'node:crypto'
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs'
import type { Dirent } from 'node:fs'
import { join, sep } from 'node:path'
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

export const isDir = (path: string): boolean => {
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

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/**
 * What a listed entry is, following a symbolic link only while its target stays inside the data
 * set root: the importer reads nothing outside the folder the user registered (image serving is
 * confined to it too). A link out of the root, or a dangling one, is skipped with a warning.
 */
function entryKind(e: Dirent<Buffer>, path: string, rel: string, realRoot: string, warn: Warn): 'file' | 'dir' | null {
  if (e.isFile()) return 'file'
  if (e.isDirectory()) return 'dir'
  if (!e.isSymbolicLink()) return null
  let real: string
  try {
    real = realpathSync(path)
  } catch (error) {
    warn(rel, '(file)', `is a symbolic link that cannot be followed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); skipped`)
    return null
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) {
    warn(rel, '(file)', `is a symbolic link to ${real}, outside the data set root; skipped`)
    return null
  }
  const st = statSync(real)
  return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : null
}

/**
 * Sorted by UTF-16 code units, so that hashes do not depend on the locale or the file system's
 * order. Names that are not valid UTF-8 cannot be stored or matched against annotations: they
 * are skipped with a warning (showing the undecodable bytes as U+FFFD).
 */
export function listDir(root: string, relDir: string, want: 'file' | 'dir', warn: Warn): string[] {
  const path = join(root, relDir)
  if (!existsSync(path)) return []
  const realRoot = realpathSync(root)
  const names: string[] = []
  for (const e of readdirSync(path, { withFileTypes: true, encoding: 'buffer' })) {
    if (e.name[0] === 0x2e) continue // '.'
    let name: string
    try {
      name = UTF8.decode(e.name)
    } catch {
      warn(`${relDir}/${e.name.toString('utf8')}`, '(file)', `file name is not valid UTF-8 (bytes ${e.name.toString('hex')}); skipped`)
      continue
    }
    if (entryKind(e, join(path, name), `${relDir}/${name}`, realRoot, warn) === want) names.push(name)
  }
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** A top-level folder of the tree, unless it is a symbolic link out of the root (then warned about and treated as absent). */
export function confinedDir(root: string, rel: string, warn: Warn): boolean {
  if (!isDir(join(root, rel))) return false
  const realRoot = realpathSync(root)
  const real = realpathSync(join(root, rel))
  if (real === realRoot || real.startsWith(realRoot + sep)) return true
  warn(rel, '(folder)', `is a symbolic link to ${real}, outside the data set root; not read`)
  return false
}

/** Lists every file the import reads or checks, with sizes and mtimes; reads no contents. */
export async function scanSpairTree(root: string, warn: Warn): Promise<SpairScan> {
  assertSpairRoot(root)
  const scan: SpairScan = {
    root,
    imageAnnotations: [],
    pairAnnotations: [],
    layouts: [],
    jpegs: confinedDir(root, 'JPEGImages', warn) ? new Map() : null,
    masks: new Map(),
    fingerprint: '',
  }
  // Listed first, stat'ed after in one sliced pass; `keep` files the result where it belongs.
  const found: { rel: string; keep: (f: ScannedFile) => void }[] = []

  const top = (rel: string): boolean => confinedDir(root, rel, warn)
  for (const folder of top('ImageAnnotation') ? listDir(root, 'ImageAnnotation', 'dir', warn) : []) {
    for (const f of listDir(root, `ImageAnnotation/${folder}`, 'file', warn)) {
      const stem = f.slice(0, -5)
      if (f.endsWith('.json')) found.push({ rel: `ImageAnnotation/${folder}/${f}`, keep: (x) => scan.imageAnnotations.push({ ...x, folder, stem }) })
    }
  }
  for (const dir of top('PairAnnotation') ? listDir(root, 'PairAnnotation', 'dir', warn) : []) {
    const split = SPAIR_SPLITS.find((s) => s === dir)
    if (!split) {
      warn(`PairAnnotation/${dir}`, '(folder)', 'not a split (trn, val, test); ignored')
      continue
    }
    for (const f of listDir(root, `PairAnnotation/${dir}`, 'file', warn)) {
      const stem = f.slice(0, -5)
      if (f.endsWith('.json')) found.push({ rel: `PairAnnotation/${dir}/${f}`, keep: (x) => scan.pairAnnotations.push({ ...x, split, stem }) })
    }
  }
  const layouts = top('Layout')
  if (!layouts && !isDir(join(root, 'Layout'))) warn('Layout', '(folder)', 'missing; no layouts indexed')
  for (const layout of layouts ? (['large', 'small'] as const) : []) {
    const files = new Set(listDir(root, `Layout/${layout}`, 'file', warn))
    for (const split of SPAIR_SPLITS) {
      const rel = `Layout/${layout}/${split}.txt`
      if (files.has(`${split}.txt`)) found.push({ rel, keep: (x) => scan.layouts.push({ ...x, layout, split }) })
    }
  }
  if (!scan.jpegs) warn('JPEGImages', '(folder)', 'missing; images are indexed without checking their files')
  for (const [dir, ext, into] of [['JPEGImages', '.jpg', scan.jpegs], ['Segmentation', '.png', scan.masks]] as const) {
    if (!into || (into === scan.masks && !confinedDir(root, dir, warn))) continue
    for (const folder of listDir(root, dir, 'dir', warn)) {
      for (const f of listDir(root, `${dir}/${folder}`, 'file', warn)) {
        if (f.endsWith(ext)) found.push({ rel: `${dir}/${folder}/${f}`, keep: (x) => into.set(x.rel, x) })
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
