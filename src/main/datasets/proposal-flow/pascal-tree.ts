import { createHash } from 'node:crypto'
import type { Hash } from 'node:crypto'
import { join } from 'node:path'
import { AppError } from '../../core/app-error'
import { csvRows, finiteNumber } from '../csv-rows'
import type { CsvRow } from '../csv-rows'
import type { IndexData, ReadHooks, TreeScan } from '../index-data'
import { pairNameOf } from '../spair/pair-name'
import { confinedDir, isDir, listDir } from '../spair/scan-tree'
import { forEachSliced } from '../spair/sliced'
import type { Point, SpairImage, SpairPair, Split, Warn } from '../spair/types'
import { imageSizeOf, readHashed, readHashedText, statFiles } from '../tree-files'
import { coordinateList, fromMatlab, readMatKeypoints } from './matlab-coordinates'

/** Bumped when the reader changes what it indexes, so that an unchanged tree is read again. */
export const PF_PASCAL_VERSION = 'pf-pascal-index/1'

/** The class column of the pair lists is a 1-based index into the 20 PASCAL VOC classes, in this order. */
export const VOC_CLASSES = [
  'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
] as const

/**
 * Pair lists in common use: HPF/CHM/DHPF name them `{trn,val,test}_pairs.csv` beside
 * `JPEGImages/`; CNNGeometric/WeakAlign/NCNet ship `train_pairs.csv`, `val_pairs.csv`,
 * `test_pairs.csv` in `image_pairs/`, or `*_pairs_pf_pascal.csv`.
 */
const PAIR_LIST = /^(trn|train|val|test)_pairs[\w-]*\.csv$/i
const PAIR_LIST_DIRS = ['', 'image_pairs']

export function assertPfPascalRoot(root: string): void {
  if (!isDir(root)) throw new AppError('BAD_INPUT', `${root} is not a folder`)
  const missing = ['JPEGImages', 'Annotations'].filter((d) => !isDir(join(root, d)))
  if (missing.length === 0) return
  const nested = ['PF-dataset-PASCAL', 'PF-PASCAL'].find((d) => isDir(join(root, d, 'Annotations')))
  throw new AppError(
    'BAD_INPUT',
    `${root} is not a PF-PASCAL tree: it has no ${missing.map((d) => `${d}/`).join(' or ')} folder${nested ? ` (did you mean ${join(root, nested)}?)` : ''}`,
  )
}

interface PairList {
  rel: string
  split: Split
}

/** Lists the annotations, images and pair lists; reads nothing. */
export async function scanPfPascal(root: string, warn: Warn): Promise<TreeScan> {
  assertPfPascalRoot(root)
  const mats: { rel: string; category: string; stem: string }[] = []
  if (confinedDir(root, 'Annotations', warn)) {
    for (const category of listDir(root, 'Annotations', 'dir', warn)) {
      if (!(VOC_CLASSES as readonly string[]).includes(category)) {
        warn(`Annotations/${category}`, '(folder)', 'not one of the 20 PASCAL VOC classes the pair lists number; ignored')
        continue
      }
      for (const f of listDir(root, `Annotations/${category}`, 'file', warn)) {
        if (f.toLowerCase().endsWith('.mat')) mats.push({ rel: `Annotations/${category}/${f}`, category, stem: f.slice(0, -4) })
      }
    }
  }
  const jpegs = new Set(confinedDir(root, 'JPEGImages', warn) ? listDir(root, 'JPEGImages', 'file', warn).filter((f) => /\.jpe?g$/i.test(f)) : [])
  const lists: PairList[] = []
  for (const dir of PAIR_LIST_DIRS) {
    if (dir !== '' && !confinedDir(root, dir, warn)) continue
    for (const f of listDir(root, dir || '.', 'file', warn)) {
      const m = PAIR_LIST.exec(f)
      if (!m) continue
      const word = m[1]!.toLowerCase()
      const split: Split = word === 'train' || word === 'trn' ? 'trn' : (word as Split)
      const rel = dir ? `${dir}/${f}` : f
      const twin = lists.find((l) => l.split === split)
      if (twin) warn(rel, '(file)', `a second ${split} pair list; ${twin.rel} is read`)
      else lists.push({ rel, split })
    }
  }
  if (lists.length === 0) warn('.', '(folder)', 'no pair list (trn_pairs.csv, val_pairs.csv, test_pairs.csv, or image_pairs/*_pairs*.csv); images are indexed without pairs')
  const jpegRels = [...jpegs].map((f) => `JPEGImages/${f}`)
  const { fingerprint } = await statFiles(root, [...mats.map((m) => m.rel), ...lists.map((l) => l.rel), ...jpegRels], PF_PASCAL_VERSION, null, warn)
  return { fingerprint, read: (w, hooks) => readPfPascal(root, mats, jpegs, lists, w, hooks) }
}

async function readPfPascal(
  root: string,
  mats: { rel: string; category: string; stem: string }[],
  jpegs: Set<string>,
  lists: PairList[],
  warn: Warn,
  hooks: ReadHooks,
): Promise<IndexData> {
  const hash = createHash('sha256').update(`${PF_PASCAL_VERSION}\n`)
  for (const f of [...jpegs].sort()) hash.update(`JPEGImages/${f}\n`)
  const images = new Map<string, SpairImage>()
  const skipped = { images: 0, pairs: 0 }
  await forEachSliced(
    mats.length,
    (i) => {
      const image = readImage(root, mats[i]!, jpegs, hash, warn)
      if (image) images.set(`${image.category}/${image.stem}`, image)
      else skipped.images++
    },
    (done) => {
      hooks.progress(done, mats.length, 'reading annotations')
      hooks.throwIfCancelled()
    },
  )
  const pairs: SpairPair[] = []
  for (const list of lists) {
    const text = readHashedText(root, list.rel, hash, warn)
    if (text === null) continue
    const rows = csvRows(text)
    const header = rows[0] && finiteNumber(rows[0].fields[2] ?? '') === null ? rows.shift() : undefined
    if (header && header.fields[0] !== 'source_image') warn(list.rel, `line ${header.line}`, `header ${JSON.stringify(header.fields.slice(0, 3))} read as the column names`)
    for (const [k, row] of rows.entries()) {
      const pair = pairOfRow(row, k + 1, list, images, warn)
      if (pair) pairs.push(pair)
      else skipped.pairs++
    }
    hooks.throwIfCancelled()
  }
  return { contentHash: hash.digest('hex'), images: [...images.values()], pairs, layouts: [], skipped }
}

function readImage(root: string, at: { rel: string; category: string; stem: string }, jpegs: Set<string>, hash: Hash, warn: Warn): SpairImage | null {
  const bytes = readHashed(root, at.rel, hash, warn)
  if (bytes === null) return null
  const ann = readMatKeypoints(bytes, at.rel, warn)
  if (ann === null) return null
  const jpeg = [`${at.stem}.jpg`, `${at.stem}.jpeg`, `${at.stem}.JPG`].find((f) => jpegs.has(f))
  if (!jpeg) {
    warn(at.rel, '(image)', `JPEGImages/${at.stem}.jpg is missing; image skipped`)
    return null
  }
  const file = `JPEGImages/${jpeg}`
  const size = imageSizeOf(root, file)
  if (size === null || size instanceof Error) {
    warn(at.rel, '(image)', `${file}: ${size === null ? 'its header cannot be read' : size.message}; image skipped`)
    return null
  }
  return {
    category: at.category,
    stem: at.stem,
    annotationFile: at.rel,
    file,
    maskFile: null,
    width: size.width,
    height: size.height,
    depth: null,
    bbox: ann.bbox,
    pose: null,
    truncated: null,
    occluded: null,
    difficult: null,
    azimuthId: null,
    keypoints: ann.keypoints,
  }
}

const stemOf = (path: string): string => path.replace(/^.*[/\\]/, '').replace(/\.[^.]*$/, '')
const near = (a: Point | null | undefined, b: Point): boolean => !!a && Math.abs(a[0] - b[0]) < 0.5 && Math.abs(a[1] - b[1]) < 0.5

/**
 * One row of a pair list: `source_image,target_image,class[,flip]` (keypoints from the two .mat
 * files: the ids annotated in both) or `source_image,target_image,class,XA,YA,XB,YB` (the
 * points as listed, `;`-separated; their ids are the .mat rows they sit on). `flip` is a
 * training augmentation switch, not an annotation, and is not stored.
 */
function pairOfRow(row: CsvRow, pairId: number, list: PairList, images: Map<string, SpairImage>, warnFile: Warn): SpairPair | null {
  const warn = (message: string): null => {
    warnFile(list.rel, `line ${row.line}`, `${message}; pair skipped`)
    return null
  }
  const f = row.fields
  if (f.length < 3 || !f[0] || !f[1]) return warn(`expected source_image,target_image,class,..., got ${f.length} field${f.length === 1 ? '' : 's'}`)
  const cls = finiteNumber(f[2]!)
  const category = cls !== null && Number.isInteger(cls) ? VOC_CLASSES[cls - 1] : undefined
  if (category === undefined) return warn(`class ${JSON.stringify(f[2])} is not a class number 1..20`)
  const srcStem = stemOf(f[0])
  const trgStem = stemOf(f[1])
  const src = images.get(`${category}/${srcStem}`)
  const trg = images.get(`${category}/${trgStem}`)
  for (const [stem, image] of [[srcStem, src], [trgStem, trg]] as const) {
    if (!image) return warn(`no indexed ${category} image ${stem} (Annotations/${category}/${stem}.mat missing or skipped)`)
  }
  let kpsIds: number[]
  let srcKps: Point[]
  let trgKps: Point[]
  if (f.length >= 7) {
    const lists = f.slice(3, 7).map(coordinateList)
    const bad = lists.findIndex((l) => l === null)
    if (bad >= 0) return warn(`${['XA', 'YA', 'XB', 'YB'][bad]} is not a ;-separated list of numbers`)
    const [xa, ya, xb, yb] = lists as number[][]
    if (new Set([xa!.length, ya!.length, xb!.length, yb!.length]).size !== 1) {
      return warn(`XA, YA, XB, YB have ${xa!.length}, ${ya!.length}, ${xb!.length}, ${yb!.length} values`)
    }
    srcKps = xa!.map((x, i) => [fromMatlab(x), fromMatlab(ya![i]!)])
    trgKps = xb!.map((x, i) => [fromMatlab(x), fromMatlab(yb![i]!)])
    if (srcKps.length === 0) return warn('no keypoints listed')
    const matched = srcKps.map((p, i) => src!.keypoints.findIndex((q, id) => near(q, p) && near(trg!.keypoints[id], trgKps[i]!)))
    if (matched.every((id) => id >= 0) && new Set(matched).size === matched.length) kpsIds = matched
    else {
      if (srcKps.length > 30) return warn(`${srcKps.length} keypoints (at most 30)`)
      warnFile(list.rel, `line ${row.line}`, 'the listed points are not the keypoints of the two .mat files; ids are their order in the row')
      kpsIds = srcKps.map((_, i) => i)
    }
  } else {
    kpsIds = []
    for (let id = 0; id < src!.keypoints.length; id++) if (src!.keypoints[id] && trg!.keypoints[id]) kpsIds.push(id)
    if (kpsIds.length === 0) return warn(`${srcStem} and ${trgStem} share no annotated keypoint`)
    srcKps = kpsIds.map((id) => src!.keypoints[id]!)
    trgKps = kpsIds.map((id) => trg!.keypoints[id]!)
  }
  return {
    split: list.split,
    name: pairNameOf(pairId, srcStem, trgStem, category),
    file: list.rel,
    pairId,
    category,
    srcStem,
    trgStem,
    srcImsize: [src!.width, src!.height],
    trgImsize: [trg!.width, trg!.height],
    srcBbox: src!.bbox,
    trgBbox: trg!.bbox,
    flags: { mirror: null, viewpointVariation: null, scaleVariation: null, truncation: null, occlusion: null },
    kpsIds,
    srcKps,
    trgKps,
  }
}
