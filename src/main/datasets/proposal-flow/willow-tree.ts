import { createHash } from 'node:crypto'
import type { Hash } from 'node:crypto'
import { join } from 'node:path'
import { AppError } from '../../core/app-error'
import { csvRows, finiteNumber } from '../csv-rows'
import type { CsvRow } from '../csv-rows'
import type { IndexData, ReadHooks, TreeScan } from '../index-data'
import { pairNameOf } from '../spair/pair-name'
import { confinedDir, isDir, listDir } from '../spair/scan-tree'
import type { Point, SpairImage, SpairPair, Warn } from '../spair/types'
import { imageSizeOf, isFile, readHashed, readHashedText, statFiles } from '../tree-files'
import { coordinateList, fromMatlab, readMatKeypoints } from './matlab-coordinates'

/** Bumped when the reader changes what it indexes, so that an unchanged tree is read again. */
export const PF_WILLOW_VERSION = 'pf-willow-index/1'

/** Every PF-WILLOW image has these 10 keypoints, ids 0..9 in the order of the files. */
export const WILLOW_KEYPOINTS = 10

/** WeakAlign/NCNet name it `test_pairs_pf.csv`; HPF/CHM/DHPF `test_pairs.csv`. */
const PAIR_LISTS = ['test_pairs_pf.csv', 'test_pairs.csv']
/** The release unpacks to `PF-dataset/<class>/`; HPF-style copies put the class folders at the top. */
const IMAGE_ROOTS = ['PF-dataset', '']
const CLASS_FOLDER = /^[a-z]+\([A-Za-z]+\)$/

export function assertPfWillowRoot(root: string): void {
  if (!isDir(root)) throw new AppError('BAD_INPUT', `${root} is not a folder`)
  const nested = ['PF-WILLOW', 'proposal-flow-willow'].find((d) => isDir(join(root, d)))
  const hasList = PAIR_LISTS.some((f) => isFile(join(root, f)))
  if (!hasList) {
    throw new AppError(
      'BAD_INPUT',
      `${root} is not a PF-WILLOW tree: it has no ${PAIR_LISTS.join(' or ')}${nested ? ` (did you mean ${join(root, nested)}?)` : ''}`,
    )
  }
}

/** Lists the pair list, the class folders' images and .mat files; reads nothing. */
export async function scanPfWillow(root: string, warn: Warn): Promise<TreeScan> {
  assertPfWillowRoot(root)
  const top = new Set(listDir(root, '.', 'file', warn))
  const list = PAIR_LISTS.find((f) => top.has(f))!
  for (const other of PAIR_LISTS) if (other !== list && top.has(other)) warn(other, '(file)', `a second pair list; ${list} is read`)
  const files = new Set<string>()
  for (const base of IMAGE_ROOTS) {
    if (base !== '' && !confinedDir(root, base, warn)) continue
    for (const folder of listDir(root, base || '.', 'dir', warn)) {
      if (!CLASS_FOLDER.test(folder)) continue
      const dir = base ? `${base}/${folder}` : folder
      for (const f of listDir(root, dir, 'file', warn)) if (/\.(png|jpe?g|mat)$/i.test(f)) files.add(`${dir}/${f}`)
    }
  }
  const { fingerprint } = await statFiles(root, [list, ...files], PF_WILLOW_VERSION, null, warn)
  return { fingerprint, read: (w, hooks) => readPfWillow(root, list, files, w, hooks) }
}

/**
 * A CSV path (`PF-dataset/car(G)/Cars_006a.png`, or `PF-WILLOW/car(G)/...` in HPF copies)
 * found in the tree: as written, else without its first folder.
 */
function resolveImage(path: string, files: Set<string>): string | null {
  const clean = path.replace(/\\/g, '/').replace(/^\.\//, '')
  if (files.has(clean)) return clean
  const rest = clean.slice(clean.indexOf('/') + 1)
  if (files.has(rest)) return rest
  const under = `PF-dataset/${rest}`
  return files.has(under) ? under : null
}

async function readPfWillow(root: string, list: string, files: Set<string>, warn: Warn, hooks: ReadHooks): Promise<IndexData> {
  const hash = createHash('sha256').update(`${PF_WILLOW_VERSION}\n`)
  for (const f of [...files].sort()) if (!f.endsWith('.mat')) hash.update(`${f}\n`)
  const skipped = { images: 0, pairs: 0 }
  const images = new Map<string, SpairImage>()
  const pairs: SpairPair[] = []
  const text = readHashedText(root, list, hash, warn)
  const rows = text === null ? [] : csvRows(text)
  if (rows[0] && finiteNumber(rows[0].fields[2] ?? '') === null && coordinateList(rows[0].fields[2] ?? 'x') === null) rows.shift()
  for (const [k, row] of rows.entries()) {
    const pair = pairOfRow(root, row, k + 1, list, files, images, hash, warn)
    if (pair) pairs.push(pair)
    else skipped.pairs++
    if (k % 100 === 99) {
      hooks.progress(k + 1, rows.length, 'reading pairs')
      hooks.throwIfCancelled()
    }
  }
  const readable = [...images.values()].filter((i) => i.width > 0)
  skipped.images = images.size - readable.length
  return { contentHash: hash.digest('hex'), images: readable, pairs, layouts: [], skipped }
}

/**
 * The two images' sides of one row: 40 columns (10 x, then 10 y, of A, then of B: the
 * WeakAlign/HPF layout) or 4 `;`-separated lists XA, YA, XB, YB.
 */
function rowPoints(f: string[]): { a: (Point | null)[]; b: (Point | null)[] } | string {
  const cols = f.slice(2)
  let quarters: number[][]
  if (cols.length === 4 * WILLOW_KEYPOINTS) {
    const nums = cols.map((c) => (c === '' || /^nan$/i.test(c) ? NaN : (finiteNumber(c) ?? Infinity)))
    const bad = nums.findIndex((n) => n === Infinity)
    if (bad >= 0) return `column ${bad + 3} (${JSON.stringify(cols[bad])}) is not a number`
    quarters = [0, 1, 2, 3].map((q) => nums.slice(q * WILLOW_KEYPOINTS, (q + 1) * WILLOW_KEYPOINTS))
  } else if (cols.length === 4) {
    const lists = cols.map(coordinateList)
    const bad = lists.findIndex((l) => l === null)
    if (bad >= 0) return `${['XA', 'YA', 'XB', 'YB'][bad]} is not a ;-separated list of numbers`
    quarters = lists as number[][]
    if (new Set(quarters.map((q) => q.length)).size !== 1) return `XA, YA, XB, YB have ${quarters.map((q) => q.length).join(', ')} values`
  } else {
    return `expected imageA,imageB and 40 coordinate columns (or XA,YA,XB,YB lists), got ${f.length} fields`
  }
  const side = (xs: number[], ys: number[]): (Point | null)[] =>
    xs.map((x, i) => (Number.isFinite(x) && Number.isFinite(ys[i]) ? [fromMatlab(x), fromMatlab(ys[i]!)] : null))
  const [xa, ya, xb, yb] = quarters as [number[], number[], number[], number[]]
  return { a: side(xa, ya), b: side(xb, yb) }
}

function pairOfRow(
  root: string,
  row: CsvRow,
  pairId: number,
  list: string,
  files: Set<string>,
  images: Map<string, SpairImage>,
  hash: Hash,
  warnFile: Warn,
): SpairPair | null {
  const warn = (message: string): null => {
    warnFile(list, `line ${row.line}`, `${message}; pair skipped`)
    return null
  }
  const f = row.fields
  const points = rowPoints(f)
  if (typeof points === 'string') return warn(points)
  const sides: SpairImage[] = []
  for (const [path, kps] of [[f[0]!, points.a], [f[1]!, points.b]] as const) {
    const rel = resolveImage(path, files)
    if (rel === null) return warn(`image ${path} is not in the tree`)
    const image = images.get(rel) ?? indexImage(root, rel, kps, files, hash, warnFile)
    images.set(rel, image)
    if (image.width === 0) return warn(`image ${rel} cannot be read`)
    sides.push(image)
  }
  const [src, trg] = sides as [SpairImage, SpairImage]
  if (src.category !== trg.category) return warn(`${src.category} and ${trg.category} are different classes`)
  const kpsIds: number[] = []
  for (let id = 0; id < Math.min(points.a.length, points.b.length); id++) if (points.a[id] && points.b[id]) kpsIds.push(id)
  if (kpsIds.length === 0) return warn('no keypoint is given in both images')
  return {
    split: 'test',
    name: pairNameOf(pairId, src.stem, trg.stem, src.category),
    file: list,
    pairId,
    category: src.category,
    srcStem: src.stem,
    trgStem: trg.stem,
    srcImsize: [src.width, src.height],
    trgImsize: [trg.width, trg.height],
    // No boxes in PF-WILLOW: its PCK threshold is the extent of the target keypoints.
    srcBbox: null,
    trgBbox: null,
    flags: { mirror: null, viewpointVariation: null, scaleVariation: null, truncation: null, occlusion: null },
    kpsIds,
    srcKps: kpsIds.map((id) => points.a[id]!),
    trgKps: kpsIds.map((id) => points.b[id]!),
  }
}

/**
 * An image the first time a row names it: its size from the header, its keypoints from the
 * `.mat` beside it when there is one (else from this row). Width 0 marks one that cannot be read.
 */
function indexImage(root: string, rel: string, rowKps: (Point | null)[], files: Set<string>, hash: Hash, warn: Warn): SpairImage {
  const slash = rel.lastIndexOf('/')
  const dir = rel.slice(0, slash)
  const stem = rel.slice(slash + 1).replace(/\.[^.]*$/, '')
  const category = dir.slice(dir.lastIndexOf('/') + 1)
  const matRel = `${dir}/${stem}.mat`
  let keypoints = rowKps
  let annotationFile = rel
  if (files.has(matRel)) {
    const bytes = readHashed(root, matRel, hash, warn)
    const ann = bytes && readMatKeypoints(bytes, matRel, warn)
    if (ann) {
      keypoints = ann.keypoints
      annotationFile = matRel
    }
  }
  const size = imageSizeOf(root, rel)
  const image: SpairImage = {
    category,
    stem,
    annotationFile,
    file: rel,
    maskFile: null,
    width: 0,
    height: 0,
    depth: null,
    bbox: null,
    pose: null,
    truncated: null,
    occluded: null,
    difficult: null,
    azimuthId: null,
    keypoints,
  }
  if (size === null || size instanceof Error) {
    warn(rel, '(file)', size === null ? 'its header cannot be read' : size.message)
    return image
  }
  return { ...image, width: size.width, height: size.height }
}
