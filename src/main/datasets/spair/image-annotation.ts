import { asPoint, bboxField, show, intField, parseJson, pointInside, stringField } from './json-fields'
import type { FieldWarn } from './json-fields'
import { KEYPOINT_SLOTS } from './types'
import type { Point, SpairImage, Warn } from './types'

export interface ImageAnnotationFile {
  /** `ImageAnnotation/<folder>/<stem>.json`, relative to the root. */
  file: string
  folder: string
  stem: string
}

const MAX_SIDE = 100_000

/**
 * One `ImageAnnotation/<category>/<stem>.json`. Returns null (after a warning) only when the
 * image cannot be indexed at all: unparsable, no category, no size, no `kps` object. Other
 * bad fields warn and become null; keypoints outside the image warn but are kept as written,
 * so that the pairs that copy them still agree and a curation edit can fix them later.
 */
export function parseImageAnnotation(text: string, at: ImageAnnotationFile, warnFile: Warn): SpairImage | null {
  const warn: FieldWarn = (field, message) => warnFile(at.file, field, message)
  const json = parseJson(text, warn)
  if (!json) return null

  const category = stringField(json, 'category', warn)
  const width = intField(json, 'image_width', warn, 1, MAX_SIDE)
  const height = intField(json, 'image_height', warn, 1, MAX_SIDE)
  const kps = json.kps
  if (typeof kps !== 'object' || kps === null || Array.isArray(kps)) {
    warn('kps', `expected an object of 30 keypoint slots "0".."29", got ${show(kps)}`)
    return null
  }
  if (category === null || width === null || height === null) return null
  if (category !== at.folder) {
    warn('category', `is "${category}" but the file is in folder "${at.folder}"; indexed under "${category}"`)
  }

  const filename = stringField(json, 'filename', warn)
  if (filename !== null && filename.replace(/\.[^.]*$/, '') !== at.stem) {
    warn('filename', `is "${filename}" but the annotation file is ${at.stem}.json; using ${at.stem}.jpg`)
  }
  const depth = intField(json, 'image_depth', warn, 1, 4)
  const bbox = bboxField(json, 'bndbox', warn)
  if (bbox && !(pointInside([bbox[0], bbox[1]], width, height) && pointInside([bbox[2], bbox[3]], width, height))) {
    warn('bndbox', `${show(bbox)} reaches outside the ${width}x${height} image`)
  }
  const pose = stringField(json, 'pose', warn)

  return {
    category,
    stem: at.stem,
    annotationFile: at.file,
    file: `JPEGImages/${at.folder}/${at.stem}.jpg`,
    maskFile: null,
    width,
    height,
    depth,
    bbox,
    pose,
    truncated: intField(json, 'truncated', warn, 0, 1),
    occluded: intField(json, 'occluded', warn, 0, 1),
    difficult: intField(json, 'difficult', warn, 0, 1),
    azimuthId: intField(json, 'azimuth_id', warn, 0, 7),
    keypoints: readKeypointSlots(kps as Record<string, unknown>, width, height, warn),
  }
}

function readKeypointSlots(kps: Record<string, unknown>, width: number, height: number, warn: FieldWarn): (Point | null)[] {
  const slots: (Point | null)[] = new Array<Point | null>(KEYPOINT_SLOTS).fill(null)
  for (const key of Object.keys(kps)) {
    const id = /^\d{1,2}$/.test(key) ? Number(key) : -1
    if (id < 0 || id >= KEYPOINT_SLOTS) warn(`kps.${key}`, `unexpected key (slots are "0".."29"); ignored`)
  }
  for (let id = 0; id < KEYPOINT_SLOTS; id++) {
    const key = String(id)
    if (!(key in kps)) {
      warn(`kps.${key}`, 'missing slot (every image has 30); read as null')
      continue
    }
    const raw = kps[key]
    if (raw === null) continue
    const p = asPoint(raw)
    if (!p) {
      warn(`kps.${key}`, `expected [x, y] or null, got ${show(raw)}; read as null`)
      continue
    }
    if (!pointInside(p, width, height)) warn(`kps.${key}`, `${show(p)} is outside the ${width}x${height} image`)
    slots[id] = p
  }
  return slots
}
