import { asKeypointId, asPoint, bboxField, show, intField, parseJson, stringField } from './json-fields'
import type { FieldWarn } from './json-fields'
import { canonicalPairName, pairNameOf } from './pair-name'
import { KEYPOINT_SLOTS } from './types'
import type { PairFlags, Point, SpairPair, Split, Warn } from './types'

export interface PairAnnotationFile {
  /** `PairAnnotation/<split>/<stem>.json`, relative to the root. */
  file: string
  split: Split
  stem: string
}

/**
 * One `PairAnnotation/<split>/<name>.json`, checked on its own (the cross-check against the
 * image annotations is `checkPairAgainstImages`). Returns null, after a warning, when the
 * pair cannot be used: no category, image names or pair_id, or keypoint lists that cannot
 * be matched row by row (bad entries, duplicate ids, unequal lengths).
 */
export function parsePairAnnotation(
  text: string,
  at: PairAnnotationFile,
  categories: readonly string[],
  warnFile: Warn,
): SpairPair | null {
  const warn: FieldWarn = (field, message) => warnFile(at.file, field, message)
  const json = parseJson(text, warn)
  if (!json) return null
  const category = stringField(json, 'category', warn)
  const srcName = stringField(json, 'src_imname', warn)
  const trgName = stringField(json, 'trg_imname', warn)
  const pairId = intField(json, 'pair_id', warn, 0, Number.MAX_SAFE_INTEGER)
  const rows = readKeypointRows(json, warn)
  if (category === null || srcName === null || trgName === null || pairId === null || rows === null) return null

  const srcStem = stemOf(srcName)
  const trgStem = stemOf(trgName)
  const known = [...categories, category]
  const name = canonicalPairName(at.stem, known)
  const expected = pairNameOf(pairId, srcStem, trgStem, category)
  if (name !== expected) warn('filename', `the file name ${at.stem}.json does not match its pair_id, images and category (${expected})`)
  const inside = json.filename
  if (typeof inside !== 'string') warn('filename', `expected the pair name, got ${show(inside)}`)
  else if (canonicalPairName(inside, known) !== name) warn('filename', `is "${inside}" but the file is ${at.stem}.json`)

  return {
    split: at.split,
    name,
    file: at.file,
    pairId,
    category,
    srcStem,
    trgStem,
    srcImsize: imsizeField(json, 'src_imsize', warn),
    trgImsize: imsizeField(json, 'trg_imsize', warn),
    srcBbox: bboxField(json, 'src_bndbox', warn),
    trgBbox: bboxField(json, 'trg_bndbox', warn),
    flags: readFlags(json, warn),
    ...rows,
  }
}

function stemOf(imname: string): string {
  return imname.replace(/\.jpe?g$/i, '')
}

function readFlags(json: Record<string, unknown>, warn: FieldWarn): PairFlags {
  return {
    mirror: intField(json, 'mirror', warn, 0, 1),
    viewpointVariation: intField(json, 'viewpoint_variation', warn, 0, 2),
    scaleVariation: intField(json, 'scale_variation', warn, 0, 2),
    truncation: intField(json, 'truncation', warn, 0, 3),
    occlusion: intField(json, 'occlusion', warn, 0, 3),
  }
}

/** [W, H] or [W, H, C] of positive integers. */
function imsizeField(json: Record<string, unknown>, key: string, warn: FieldWarn): number[] | null {
  const v = json[key]
  if (Array.isArray(v) && (v.length === 2 || v.length === 3) && v.every((n) => Number.isInteger(n) && (n as number) > 0)) {
    return v as number[]
  }
  warn(key, `expected [W, H, C], got ${show(v)}`)
  return null
}

function readKeypointRows(
  json: Record<string, unknown>,
  warn: FieldWarn,
): Pick<SpairPair, 'kpsIds' | 'srcKps' | 'trgKps'> | null {
  const ids = json.kps_ids
  const src = json.src_kps
  const trg = json.trg_kps
  let ok = true
  for (const [key, v] of [['kps_ids', ids], ['src_kps', src], ['trg_kps', trg]] as const) {
    if (!Array.isArray(v)) {
      warn(key, `expected a list, got ${show(v)}`)
      ok = false
    }
  }
  if (!ok) return null
  const idList = ids as unknown[]
  const srcList = src as unknown[]
  const trgList = trg as unknown[]
  if (idList.length !== srcList.length || idList.length !== trgList.length) {
    warn('kps_ids', `has ${idList.length} entries but src_kps has ${srcList.length} and trg_kps ${trgList.length}; pair skipped`)
    return null
  }
  const kpsIds: number[] = []
  const seen = new Set<number>()
  for (const [i, raw] of idList.entries()) {
    const id = asKeypointId(raw, KEYPOINT_SLOTS)
    if (id === null) {
      warn(`kps_ids[${i}]`, `expected a keypoint id 0..29 (int or string), got ${show(raw)}; pair skipped`)
      return null
    }
    if (seen.has(id)) {
      warn(`kps_ids[${i}]`, `keypoint id ${id} appears twice; pair skipped`)
      return null
    }
    seen.add(id)
    kpsIds.push(id)
  }
  const srcKps = readPoints(srcList, 'src_kps', warn)
  const trgKps = readPoints(trgList, 'trg_kps', warn)
  return srcKps && trgKps ? { kpsIds, srcKps, trgKps } : null
}

function readPoints(list: unknown[], key: string, warn: FieldWarn): Point[] | null {
  const points: Point[] = []
  for (const [i, raw] of list.entries()) {
    const p = asPoint(raw)
    if (!p) {
      warn(`${key}[${i}]`, `expected [x, y], got ${show(raw)}; pair skipped`)
      return null
    }
    points.push(p)
  }
  return points
}
