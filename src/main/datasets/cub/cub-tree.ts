import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { AppError } from '../../core/app-error'
import type { IndexData, ReadHooks, TreeScan } from '../index-data'
import { pairNameOf } from '../spair/pair-name'
import { confinedDir, isDir, listDir } from '../spair/scan-tree'
import { forEachSliced } from '../spair/sliced'
import type { Bbox, Point, SpairImage, SpairPair, Split, Warn } from '../spair/types'
import { imageSizeOf, isFile, readHashedText, statFiles } from '../tree-files'
import { readTable } from './cub-tables'
import type { Column, TableRow } from './cub-tables'
import { carveVal, samplePairs } from './cub-sampling'
import type { CubSampling } from './cub-sampling'

/** Bumped when the reader changes what it indexes, so that an unchanged tree is read again. */
export const CUB_VERSION = 'cub-index/1'

/** CMR and its successors learn one bird model from all of CUB: one category, the species as tags. */
export const CUB_CATEGORY = 'bird'
export const CUB_PARTS = 15

const TABLES = {
  images: 'images.txt',
  classes: 'classes.txt',
  labels: 'image_class_labels.txt',
  split: 'train_test_split.txt',
  boxes: 'bounding_boxes.txt',
  parts: 'parts/parts.txt',
  partLocs: 'parts/part_locs.txt',
} as const

export function assertCubRoot(root: string): void {
  if (!isDir(root)) throw new AppError('BAD_INPUT', `${root} is not a folder`)
  const missing: string[] = Object.values(TABLES).filter((f) => !isFile(join(root, f)))
  if (!isDir(join(root, 'images'))) missing.unshift('images/')
  if (missing.length === 0) return
  const nested = isDir(join(root, 'CUB_200_2011', 'images')) ? ` (did you mean ${join(root, 'CUB_200_2011')}?)` : ''
  throw new AppError('BAD_INPUT', `${root} is not a CUB-200-2011 tree: it has no ${missing.join(', ')}${nested}`)
}

/**
 * Lists the tables, images and masks (`segmentations/` is a separate download: unpack it into
 * the root). The sampling options are part of the fingerprint: another seed is another index.
 */
export async function scanCub(root: string, warn: Warn, sampling: CubSampling): Promise<TreeScan> {
  assertCubRoot(root)
  const listed: string[] = []
  const masks = new Set<string>()
  const jpegs = new Set<string>()
  for (const [dir, into, ext] of [['images', jpegs, /\.jpe?g$/i], ['segmentations', masks, /\.png$/i]] as const) {
    if (!confinedDir(root, dir, warn)) continue
    for (const folder of listDir(root, dir, 'dir', warn)) {
      for (const f of listDir(root, `${dir}/${folder}`, 'file', warn)) if (ext.test(f)) into.add(`${dir}/${folder}/${f}`)
    }
  }
  if (masks.size === 0) warn('segmentations', '(folder)', 'missing or empty (a separate download; unpack it into the root): no masks, so no training')
  listed.push(...Object.values(TABLES), ...jpegs, ...masks)
  const { fingerprint } = await statFiles(root, listed, CUB_VERSION, sampling, warn)
  return { fingerprint, read: (w, hooks) => readCub(root, jpegs, masks, sampling, w, hooks) }
}

interface CubImage extends SpairImage {
  id: number
  species: string
  training: boolean
}

async function readCub(root: string, jpegs: Set<string>, masks: Set<string>, sampling: CubSampling, warn: Warn, hooks: ReadHooks): Promise<IndexData> {
  const hash = createHash('sha256').update(`${CUB_VERSION}\n${JSON.stringify(sampling)}\n`)
  for (const f of [...jpegs, ...masks].sort()) hash.update(`${f}\n`)
  const table = (key: keyof typeof TABLES, columns: readonly Column[]): TableRow[] => {
    const text = readHashedText(root, TABLES[key], hash, warn)
    return text === null ? [] : readTable(text, TABLES[key], columns, warn)
  }
  const byId = <T>(key: keyof typeof TABLES, rows: TableRow[], value: (v: (number | string)[]) => T): Map<number, T> => {
    const out = new Map<number, T>()
    for (const r of rows) {
      const id = r.values[0] as number
      if (out.has(id)) warn(TABLES[key], `line ${r.line}`, `id ${id} appears again; the first row is kept`)
      else out.set(id, value(r.values))
    }
    return out
  }
  const names = byId('images', table('images', ['id', 'name']), (v) => v[1] as string)
  const classes = byId('classes', table('classes', ['id', 'name']), (v) => v[1] as string)
  const labels = byId('labels', table('labels', ['id', 'id']), (v) => v[1] as number)
  const training = byId('split', table('split', ['id', 'number']), (v) => v[1] as number)
  const boxes = byId('boxes', table('boxes', ['id', 'number', 'number', 'number', 'number']), (v) => v.slice(1) as number[])
  const parts = byId('parts', table('parts', ['id', 'rest']), (v) => v[1] as string)
  if (parts.size !== CUB_PARTS) warn(TABLES.parts, '(file)', `${parts.size} parts; CUB-200-2011 has ${CUB_PARTS} (ids beyond 30 are dropped)`)
  const locs = new Map<number, (Point | null)[]>()
  for (const r of table('partLocs', ['id', 'id', 'number', 'number', 'number'])) {
    const [imageId, partId, x, y, visible] = r.values as number[]
    if (partId! > 30 || (visible !== 0 && visible !== 1)) {
      warn(TABLES.partLocs, `line ${r.line}`, partId! > 30 ? `part id ${partId} (at most 30)` : `visible is ${visible}, expected 0 or 1; row skipped`)
      continue
    }
    const slots = locs.get(imageId!) ?? new Array<Point | null>(CUB_PARTS).fill(null)
    // Part locations are pixel coordinates of the image as stored (the CUB README gives no
    // origin, and CUB-trained code reads them as they are); invisible parts are written as 0 0.
    if (visible === 1) slots[partId! - 1] = [x!, y!]
    locs.set(imageId!, slots)
  }

  const images: CubImage[] = []
  const stems = new Map<string, number>()
  const skipped = { images: 0, pairs: 0 }
  const ids = [...names.keys()]
  await forEachSliced(
    ids.length,
    (i) => {
      const image = cubImage(root, ids[i]!, { names, classes, labels, training, boxes, locs }, jpegs, masks, stems, warn)
      if (image) images.push(image)
      else skipped.images++
    },
    (done) => {
      hooks.progress(done, ids.length, 'reading images')
      hooks.throwIfCancelled()
    },
  )

  const imageSplits: IndexData['imageSplits'] = []
  const splitOf = new Map<CubImage, Split>()
  const bySpecies = new Map<string, CubImage[]>()
  for (const im of images) bySpecies.set(im.species, [...(bySpecies.get(im.species) ?? []), im])
  const species = [...bySpecies.keys()].sort()
  for (const sp of species) {
    const all = bySpecies.get(sp)!
    const val = carveVal(sp, all.filter((i) => i.training), sampling)
    for (const im of all) splitOf.set(im, !im.training ? 'test' : val.has(im) ? 'val' : 'trn')
  }
  for (const im of images) imageSplits.push({ category: CUB_CATEGORY, stem: im.stem, split: splitOf.get(im)! })

  const pairs: SpairPair[] = []
  for (const split of ['val', 'test'] as const) {
    let pairId = 0
    for (const sp of species) {
      const pool = bySpecies.get(sp)!.filter((i) => splitOf.get(i) === split)
      for (const s of samplePairs(sp, split, pool, sampling)) pairs.push(cubPair(split, ++pairId, s.src, s.trg, s.ids))
    }
  }
  const tags = images.map((im) => ({ category: CUB_CATEGORY, stem: im.stem, tags: [im.species] }))
  const plain: SpairImage[] = images.map(({ id: _id, species: _s, training: _t, ...rest }) => rest)
  return { contentHash: hash.digest('hex'), images: plain, pairs, layouts: [], skipped, imageSplits, tags }
}

interface Tables {
  names: Map<number, string>
  classes: Map<number, string>
  labels: Map<number, number>
  training: Map<number, number>
  boxes: Map<number, number[]>
  locs: Map<number, (Point | null)[]>
}

function cubImage(root: string, id: number, t: Tables, jpegs: Set<string>, masks: Set<string>, stems: Map<string, number>, warn: Warn): CubImage | null {
  const name = t.names.get(id)!
  const file = `images/${name}`
  const skip = (table: string, message: string): null => {
    warn(table, `image ${id}`, `${message}; image skipped`)
    return null
  }
  const stem = name.replace(/^.*\//, '').replace(/\.[^.]*$/, '')
  if (!jpegs.has(file)) return skip(TABLES.images, `${file} is missing`)
  const twin = stems.get(stem)
  if (twin !== undefined) return skip(TABLES.images, `file name ${stem} is also image ${twin}'s`)
  const classId = t.labels.get(id)
  const species = classId === undefined ? undefined : t.classes.get(classId)
  if (species === undefined) return skip(TABLES.labels, classId === undefined ? 'no class label' : `class ${classId} is not in classes.txt`)
  const isTraining = t.training.get(id)
  if (isTraining !== 0 && isTraining !== 1) return skip(TABLES.split, isTraining === undefined ? 'no train/test row' : `is_training_image is ${isTraining}, expected 0 or 1`)
  const size = imageSizeOf(root, file)
  if (size === null || size instanceof Error) return skip(TABLES.images, `${file}: ${size === null ? 'its header cannot be read' : size.message}`)
  const box = t.boxes.get(id)
  let bbox: Bbox | null = null
  if (!box) warn(TABLES.boxes, `image ${id}`, 'no bounding box; PCK falls back to the image size for it')
  else if (box[2]! <= 0 || box[3]! <= 0) warn(TABLES.boxes, `image ${id}`, `width and height must be positive, got ${box[2]} x ${box[3]}`)
  // <x> <y> <width> <height> become the index's corners [x1, y1, x2, y2] (width = x2 - x1).
  else bbox = [box[0]!, box[1]!, box[0]! + box[2]!, box[1]! + box[3]!]
  if (!t.locs.has(id)) warn(TABLES.partLocs, `image ${id}`, 'no part rows; indexed without keypoints')
  stems.set(stem, id)
  const mask = `segmentations/${name.replace(/\.[^.]*$/, '')}.png`
  let maskFile: string | null = null
  if (masks.has(mask)) {
    const ms = imageSizeOf(root, mask)
    if (ms && !(ms instanceof Error) && ms.width === size.width && ms.height === size.height) maskFile = mask
    else warn(mask, '(size)', `${ms instanceof Error ? ms.message : ms === null ? 'its header cannot be read' : `${ms.width}x${ms.height}`}, the image is ${size.width}x${size.height}; mask not used`)
  }
  return {
    id,
    species,
    training: isTraining === 1,
    category: CUB_CATEGORY,
    stem,
    annotationFile: TABLES.partLocs,
    file,
    maskFile,
    width: size.width,
    height: size.height,
    depth: null,
    bbox,
    pose: null,
    truncated: null,
    occluded: null,
    difficult: null,
    azimuthId: null,
    keypoints: t.locs.get(id) ?? new Array<Point | null>(CUB_PARTS).fill(null),
  }
}

function cubPair(split: Split, pairId: number, src: CubImage, trg: CubImage, ids: number[]): SpairPair {
  return {
    split,
    name: pairNameOf(pairId, src.stem, trg.stem, CUB_CATEGORY),
    file: TABLES.partLocs,
    pairId,
    category: CUB_CATEGORY,
    srcStem: src.stem,
    trgStem: trg.stem,
    srcImsize: [src.width, src.height],
    trgImsize: [trg.width, trg.height],
    srcBbox: src.bbox,
    trgBbox: trg.bbox,
    flags: { mirror: null, viewpointVariation: null, scaleVariation: null, truncation: null, occlusion: null },
    kpsIds: ids,
    srcKps: ids.map((id) => src.keypoints[id]!),
    trgKps: ids.map((id) => trg.keypoints[id]!),
  }
}
