import { copyFileSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Split } from '../../../shared/ipc/channels/datasets'
import type { CuratedDataset, CuratedImageRecord, PairRecord } from '../curation/load-curated'
import { imageKey } from '../curation/load-curated'
import { createJpegEncoder } from '../../datasets/synthetic/jpeg-encoder'
import { decodeImage, sniffImageFormat } from '../../images/decode-image'

/**
 * Where an image and its mask go in the exported tree: SPair's `<folder>/<category>/<stem>`,
 * whatever layout the imported files had (PF-PASCAL's flat `JPEGImages/`, CUB's species folders).
 */
export const spairImageFile = (img: CuratedImageRecord): string => `JPEGImages/${img.category}/${img.stem}.jpg`
const spairMaskFile = (img: CuratedImageRecord): string => `Segmentation/${img.category}/${img.stem}.png`

export interface SpairExportCounts {
  images: number
  pairs: Record<Split, number>
  /** Pairs left out because an image was excluded, the pair was excluded, or no keypoint stayed visible in both. */
  droppedPairs: number
}

const SPLITS: Split[] = ['trn', 'val', 'test']

/** A curated keypoint goes out only where it is annotated and visible: SPair has no visibility flag. */
const visiblePoint = (img: CuratedImageRecord, id: number): [number, number] | null => {
  const kp = img.keypoints[id]
  return kp && kp.visible ? kp.point : null
}

function imageJson(img: CuratedImageRecord, datasetName: string): unknown {
  const kps: Record<string, [number, number] | null> = {}
  for (let id = 0; id < 30; id++) kps[String(id)] = visiblePoint(img, id)
  return {
    filename: `${img.stem}.jpg`,
    src_database: `SEMAGIC studio export of "${datasetName}"`,
    src_annotation: img.note,
    src_image: img.file,
    image_width: img.width,
    image_height: img.height,
    image_depth: img.depth ?? 3,
    category: img.category,
    pose: img.pose ?? 'Unspecified',
    truncated: img.truncated ?? 0,
    occluded: img.occluded ?? 0,
    difficult: img.difficult ?? 0,
    bndbox: img.bbox,
    kps,
    azimuth_id: img.azimuthId,
  }
}

/**
 * A pair regenerated from the curated image annotations, its flags kept. Its rows are the ids
 * visible in both images among those the imported pair listed, plus those an edit touched in
 * either image: an unedited pair comes out exactly as it came in (a pair file may list fewer
 * ids than its images share), and every edit reaches every pair of its image.
 */
function pairJson(p: PairRecord, src: CuratedImageRecord, trg: CuratedImageRecord): unknown | null {
  const listed = new Set(p.kpsIds)
  const ids: number[] = []
  for (let id = 0; id < 30; id++) {
    const touched = listed.has(id) || src.keypoints[id]?.edited === true || trg.keypoints[id]?.edited === true
    if (touched && visiblePoint(src, id) && visiblePoint(trg, id)) ids.push(id)
  }
  if (ids.length === 0) return null
  return {
    pair_id: p.pairId,
    filename: p.name,
    src_imname: `${src.stem}.jpg`,
    trg_imname: `${trg.stem}.jpg`,
    src_imsize: [src.width, src.height, src.depth ?? 3],
    trg_imsize: [trg.width, trg.height, trg.depth ?? 3],
    src_bndbox: src.bbox,
    trg_bndbox: trg.bbox,
    src_pose: src.pose ?? 'Unspecified',
    trg_pose: trg.pose ?? 'Unspecified',
    src_kps: ids.map((id) => visiblePoint(src, id)),
    trg_kps: ids.map((id) => visiblePoint(trg, id)),
    kps_ids: ids.map(String),
    category: p.category,
    mirror: p.mirror ?? 0,
    viewpoint_variation: p.viewpointVariation ?? 0,
    scale_variation: p.scaleVariation ?? 0,
    truncation: p.truncation ?? 0,
    occlusion: p.occlusion ?? 0,
  }
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, `${JSON.stringify(value, null, 4)}\n`)
}

function copyTo(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true })
  copyFileSync(from, to, constants.COPYFILE_FICLONE)
}

/** SPair's images are JPEGs: a JPEG is copied as it is, another image (PF-WILLOW's PNGs) re-encoded. */
function writeAsJpeg(from: string, to: string, encode: () => ReturnType<typeof createJpegEncoder>): void {
  const bytes = readFileSync(from)
  if (sniffImageFormat(bytes) === 'jpeg') return copyTo(from, to)
  const rgb = decodeImage(bytes, from)
  const rgba = new Uint8Array(rgb.width * rgb.height * 4)
  for (let i = 0; i < rgb.width * rgb.height; i++) rgba.set([rgb.data[i * 3]!, rgb.data[i * 3 + 1]!, rgb.data[i * 3 + 2]!, 255], i * 4)
  mkdirSync(dirname(to), { recursive: true })
  writeFileSync(to, encode()(rgba, rgb.width, rgb.height))
}

/** Writes the curated data set as an SPair-71k tree under `out` (which the caller made empty). */
export function writeSpair(data: CuratedDataset, sourceRoot: string, out: string, datasetName: string, onImage?: () => void): SpairExportCounts {
  let images = 0
  let encoder: ReturnType<typeof createJpegEncoder> | null = null
  const encode = (): ReturnType<typeof createJpegEncoder> => (encoder ??= createJpegEncoder())
  for (const img of data.images.values()) {
    if (img.excluded) continue
    writeJson(join(out, 'ImageAnnotation', img.category, `${img.stem}.json`), imageJson(img, datasetName))
    writeAsJpeg(join(sourceRoot, img.file), join(out, spairImageFile(img)), encode)
    if (img.maskFile) copyTo(join(sourceRoot, img.maskFile), join(out, spairMaskFile(img)))
    images++
    onImage?.()
  }
  const written = new Set<string>()
  const pairs: Record<Split, number> = { trn: 0, val: 0, test: 0 }
  let droppedPairs = 0
  for (const p of data.pairs) {
    const src = data.images.get(imageKey(p.category, p.srcStem))
    const trg = data.images.get(imageKey(p.category, p.trgStem))
    const json = p.excluded || !src || !trg || src.excluded || trg.excluded ? null : pairJson(p, src, trg)
    if (json === null) {
      droppedPairs++
      continue
    }
    writeJson(join(out, 'PairAnnotation', p.split, `${p.name}.json`), json)
    written.add(`${p.split}/${p.name}`)
    pairs[p.split]++
  }
  writeLayouts(data, written, out)
  return { images, pairs, droppedPairs }
}

/** Layout files keep the original order; a data set without layouts gets `large` = every pair. */
function writeLayouts(data: CuratedDataset, written: Set<string>, out: string): void {
  const layouts = data.layouts.length
    ? data.layouts
    : data.pairs.map((p) => ({ layout: 'large' as const, split: p.split, pairName: p.name }))
  for (const layout of ['large', 'small'] as const) {
    for (const split of SPLITS) {
      const names = layouts.filter((l) => l.layout === layout && l.split === split && written.has(`${split}/${l.pairName}`))
      if (names.length === 0 && layout === 'small') continue
      const path = join(out, 'Layout', layout, `${split}.txt`)
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, names.map((l) => `${l.pairName}\n`).join(''))
    }
  }
}
