import { createHash } from 'node:crypto'
import type { Hash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseImageAnnotation } from './image-annotation'
import { readJpegSize, readPngSize } from './image-header'
import { parseLayoutFile } from './layout-file'
import { parsePairAnnotation } from './pair-annotation'
import { checkPairAgainstImages } from './pair-consistency'
import { canonicalPairName } from './pair-name'
import { IMPORTER_VERSION } from './scan-tree'
import type { ScannedFile, SpairScan } from './scan-tree'
import { forEachSliced } from './sliced'
import type { LayoutEntry, SpairImage, SpairPair, Warn } from './types'

export interface SpairIndexData {
  /** Annotation bytes plus the image/mask listing (names, sizes): equal hash, equal index. */
  contentHash: string
  images: SpairImage[]
  pairs: SpairPair[]
  layouts: LayoutEntry[]
  skipped: { images: number; pairs: number }
}

export interface ReadHooks {
  progress(done: number, total: number, message: string): void
  throwIfCancelled(): void
}

const imageKey = (category: string, stem: string): string => `${category}/${stem}`
const pairKey = (split: string, name: string): string => `${split}\n${name}`

/**
 * Reads, hashes and checks every annotation file of a scanned tree. Problems become warnings
 * naming the file and field; a file that cannot be used is skipped and counted. Nothing is
 * written: the caller stores the result in one transaction.
 */
export async function readSpairTree(scan: SpairScan, warn: Warn, hooks: ReadHooks): Promise<SpairIndexData> {
  const hash = createHash('sha256').update(`${IMPORTER_VERSION}\n`)
  const total = scan.imageAnnotations.length + scan.pairAnnotations.length + scan.layouts.length
  let done = 0
  const tick = (message: string) => (): void => {
    hooks.progress(done, total, message)
    hooks.throwIfCancelled()
  }
  const read = (file: ScannedFile): string | null => {
    done++
    let bytes: Buffer
    try {
      bytes = readFileSync(join(scan.root, file.rel))
    } catch (error) {
      warn(file.rel, '(file)', `cannot be read: ${(error as Error).message}`)
      return null
    }
    hash.update(`${file.rel}\0${bytes.length}\0`).update(bytes)
    const text = bytes.toString('utf8')
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  }
  const skipped = { images: 0, pairs: 0 }

  const images = new Map<string, SpairImage>()
  await forEachSliced(
    scan.imageAnnotations.length,
    (i) => {
      const at = scan.imageAnnotations[i] as SpairScan['imageAnnotations'][number]
      const text = read(at)
      const image = text === null ? null : parseImageAnnotation(text, { file: at.rel, folder: at.folder, stem: at.stem }, warn)
      const key = image && imageKey(image.category, image.stem)
      const twin = key === null ? undefined : images.get(key)
      if (twin) warn(at.rel, 'category', `same category and stem as ${twin.annotationFile}; skipped`)
      if (!image || !key || twin) skipped.images++
      else images.set(key, image)
    },
    tick('reading image annotations'),
  )
  await checkImageFiles(scan, [...images.values()], hash, warn, tick('checking image files'))

  const categories = [...new Set([...images.values()].map((im) => im.category))]
  const pairs: SpairPair[] = []
  const pairFiles = new Map<string, string>()
  await forEachSliced(
    scan.pairAnnotations.length,
    (i) => {
      const at = scan.pairAnnotations[i] as SpairScan['pairAnnotations'][number]
      const text = read(at)
      const pair = text === null ? null : parsePairAnnotation(text, { file: at.rel, split: at.split, stem: at.stem }, categories, warn)
      if (pair && usablePair(pair, images, pairFiles, warn)) {
        pairs.push(pair)
        pairFiles.set(pairKey(pair.split, pair.name), pair.file)
      } else {
        skipped.pairs++
      }
    },
    tick('reading pair annotations'),
  )

  const pairCategories = [...new Set([...categories, ...pairs.map((p) => p.category)])]
  const layouts: LayoutEntry[] = []
  const listed = new Set<string>()
  for (const at of scan.layouts) {
    const text = read(at)
    if (text === null) continue
    for (const entry of parseLayoutFile(text, { file: at.rel, layout: at.layout, split: at.split }, warn)) {
      const name = canonicalPairName(entry.pairName, pairCategories)
      const key = `${at.layout}\n${pairKey(at.split, name)}`
      if (!pairFiles.has(pairKey(at.split, name))) {
        warn(at.rel, `line ${entry.line}`, `${entry.pairName}: no indexed pair of that name in PairAnnotation/${at.split}/`)
      } else if (listed.has(key)) {
        warn(at.rel, `line ${entry.line}`, `${entry.pairName} is listed twice; the first is kept`)
      } else {
        listed.add(key)
        layouts.push({ ...entry, pairName: name })
      }
    }
  }
  hooks.throwIfCancelled()
  return { contentHash: hash.digest('hex'), images: [...images.values()], pairs, layouts, skipped }
}

function usablePair(pair: SpairPair, images: Map<string, SpairImage>, pairFiles: Map<string, string>, warn: Warn): boolean {
  const src = images.get(imageKey(pair.category, pair.srcStem))
  const trg = images.get(imageKey(pair.category, pair.trgStem))
  for (const [side, stem, image] of [['src', pair.srcStem, src], ['trg', pair.trgStem, trg]] as const) {
    if (!image) warn(pair.file, `${side}_imname`, `no indexed ${pair.category} image ${stem} (ImageAnnotation/${pair.category}/${stem}.json missing or skipped); pair skipped`)
  }
  const twin = pairFiles.get(pairKey(pair.split, pair.name))
  if (twin) warn(pair.file, 'filename', `same split and pair name as ${twin}; skipped`)
  if (!src || !trg || twin) return false
  checkPairAgainstImages(pair, src, trg, warn)
  return true
}

/**
 * Existence and header size of each JPEG, and the segmentation mask if there is one. A mask
 * of the wrong size is not attached (it would be misaligned with the image).
 */
async function checkImageFiles(scan: SpairScan, images: SpairImage[], hash: Hash, warn: Warn, between: () => void): Promise<void> {
  for (const f of [...(scan.jpegs?.values() ?? []), ...scan.masks.values()]) hash.update(`${f.rel}\0${f.size}\n`)
  await forEachSliced(
    images.length,
    (i) => {
      const image = images[i] as SpairImage
      if (scan.jpegs) {
        if (!scan.jpegs.has(image.file)) warn(image.annotationFile, 'filename', `image file ${image.file} is missing`)
        else compareSize(image, image.file, sizeOf(readJpegSize, scan.root, image.file), warn)
      }
      const mask = image.file.replace(/^JPEGImages\//, 'Segmentation/').replace(/\.jpg$/, '.png')
      if (scan.masks.has(mask) && compareSize(image, mask, sizeOf(readPngSize, scan.root, mask), warn)) image.maskFile = mask
    },
    between,
  )
}

function sizeOf(reader: typeof readJpegSize, root: string, rel: string): ReturnType<typeof readJpegSize> | Error {
  try {
    return reader(join(root, rel))
  } catch (error) {
    return error as Error
  }
}

function compareSize(image: SpairImage, rel: string, size: ReturnType<typeof readJpegSize> | Error, warn: Warn): boolean {
  const isMask = rel.startsWith('Segmentation/')
  if (size === null || size instanceof Error) {
    const why = size === null ? 'its header cannot be read' : size.message
    warn(isMask ? rel : image.annotationFile, isMask ? '(file)' : 'filename', `${rel}: ${why}${isMask ? '; mask not used' : ''}`)
    return false
  }
  const field = size.width !== image.width ? 'image_width' : size.height !== image.height ? 'image_height' : null
  if (field === null) return true
  warn(
    isMask ? rel : image.annotationFile,
    isMask ? '(size)' : field,
    `${rel} is ${size.width}x${size.height} but the annotation says ${image.width}x${image.height}${isMask ? '; mask not used' : ''}`,
  )
  return false
}
