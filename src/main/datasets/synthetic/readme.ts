import { azimuthBin } from './annotate'
import { JPEG_QUALITY } from './jpeg-encoder'
import { PREFERRED_SHARED_KEYPOINTS, SCALE_RATIO_THRESHOLDS, SMALL_LAYOUT_EVERY } from './pairs'
import { SPAIR_SPLITS } from '../../../shared/ipc/channels/datasets'
import { KEYPOINT_SLOTS } from '../spair/types'
import type { Split } from '../spair/types'
import { DEMO_PROVENANCE } from './spair-records'
import type { Provenance } from './spair-records'

export const GENERATOR_VERSION = 1

export interface GeneratedCategory {
  name: string
  year: number
  keypointNames: readonly string[]
  images: Record<Split, number>
  pairs: Record<Split, number>
  mirror?: Readonly<Record<string, string>>
}

export interface GenerationRecord {
  seed: number
  /** The README's "Options:" line after its label. */
  options: string
  /** How the objects were made (and whose work they are): README lines. */
  about: readonly string[]
  /** Further machine-readable facts for the manifest, after the seed. */
  facts: Record<string, unknown>
  imagesPerCategory: Record<Split, number>
  categories: readonly GeneratedCategory[]
}

const splitCounts = (c: Record<Split, number>): string => SPAIR_SPLITS.map((s) => c[s]).join('/')

/** The top-level README: provenance and every convention a loader must know. */
export function readmeText(record: GenerationRecord, provenance: Provenance = DEMO_PROVENANCE): string {
  const rows = record.categories.map((c) => `  ${c.name.padEnd(12)} ${splitCounts(c.images).padEnd(14)} ${splitCounts(c.pairs)}`)
  const mirrors = record.categories.flatMap((c) =>
    c.mirror === undefined ? [] : [`  ${c.name} left/right twins (swap them to mirror an image): ${Object.entries(c.mirror).map(([a, b]) => `${a} <-> ${b}`).join(', ')}`],
  )
  const keypoints = record.categories.map((c) => `  ${c.name} (${c.keypointNames.length}): ${c.keypointNames.map((n, i) => `${i} ${n}`).join(', ')}`)
  return [
    `${provenance.database} benchmark in the SPair-71k layout`,
    '',
    `Generator: SEMAGIC studio, src/main/datasets/synthetic, generator version ${GENERATOR_VERSION}`,
    `Seed: ${record.seed}`,
    `Options: ${record.options}`,
    'Every file is a deterministic function of these options: the same options give byte-identical files.',
    ...record.about,
    '',
    'Contents',
    `  JPEGImages/<category>/<image>.jpg        rendered images (jpeg-js, quality ${JPEG_QUALITY})`,
    '  Segmentation/<category>/<image>.png      object masks (see below)',
    '  ImageAnnotation/<category>/<image>.json  one per image',
    '  PairAnnotation/{trn,val,test}/<pair>.json',
    '  Layout/large/{trn,val,test}.txt          every pair file name, one per line, trailing newline',
    `  Layout/small/{trn,val,test}.txt          every ${ordinal(SMALL_LAYOUT_EVERY)} selected image pair, both directions`,
    '  semagic-synthetic.json                   these facts, machine-readable',
    '',
    'Counts (category, images trn/val/test, pairs trn/val/test)',
    ...rows,
    '',
    'Conventions',
    '- Keypoint coordinates are integers (x, y) = (column, row) of the pixel the 3-D keypoint projects into, 0-based.',
    '- Segmentation: 8-bit grayscale PNG, 0 = background, 255 = the object\'s visible pixels (occluders excluded).',
    '  It is not a VOC class index: treat any non-zero value as foreground.',
    '- bndbox: [x1, y1, x2, y2], inclusive pixel indices of the extreme mask pixels.',
    `- kps: ${KEYPOINT_SLOTS} keys "0".."${KEYPOINT_SLOTS - 1}"; null when the keypoint is outside the image, hidden by the object itself`,
    '  (self-occlusion) or hidden by an occluder; ids at or beyond the category\'s keypoint count are always null.',
    '- Model frame: +x is the object\'s left, +y up, +z the direction it faces.',
    '- Azimuth: angle of the camera about the object\'s vertical axis, from its front (0 deg) towards its left',
    '  side (90 deg); rear 180, right side 270. azimuth_id = floor(((azimuth + 22.5) mod 360) / 45): bin 0 is',
    `  centred on the front, 2 on the left side, 4 on the rear, 6 on the right side (e.g. 100 deg -> ${azimuthBin(100)}).`,
    '- pose: Frontal (bin 0), Left (bin 2), Rear (bin 4), Right (bin 6), Unspecified (odd bins: diagonal views).',
    '  "Left" means the camera sees the object\'s left side. Elevation is -8..60 degrees, mostly under 40.',
    '- truncated: 1 when the object (before occluders) reaches the image border. occluded: 1 when occluders hide',
    '  at least 1 % of its pixels. difficult: always 0.',
    '- Pairs: within one split and category, images sharing at least one annotated keypoint (pairs sharing at',
    `  least ${PREFERRED_SHARED_KEYPOINTS} come first); each pair in both directions with consecutive pair_ids; pair_id restarts at 1 per`,
    '  split and runs across categories in the order above. Splits share no image. mirror is always 0.',
    '- Pair rows: src_kps/trg_kps list the keypoints annotated in both images, kps_ids their ids as strings.',
    '- viewpoint_variation from the circular distance d of the two azimuth bins: 0 if d = 0, 1 if d is 1 or 2,',
    '  2 if d >= 3.',
    `- scale_variation from r = ratio (>= 1) of the boxes' max(x2 - x1, y2 - y1): 0 if r < ${SCALE_RATIO_THRESHOLDS[0]}, 1 if r < ${SCALE_RATIO_THRESHOLDS[1]}, 2 otherwise.`,
    '- truncation and occlusion: 0 neither image, 1 source only, 2 target only, 3 both.',
    `- Image names YYYY_SNNNNN: YYYY = the category's year (${record.categories.map((c) => `${c.name} ${c.year}`).join(', ')}),`,
    '  S = split (1 trn, 2 val, 3 test), NNNNN = the image\'s index in that split.',
    '',
    'Keypoints (id name)',
    ...keypoints,
    ...mirrors,
    '',
  ].join('\n')
}

function ordinal(n: number): string {
  return n === 1 ? 'first' : n === 2 ? 'second' : n === 3 ? 'third' : `${n}th`
}

/** semagic-synthetic.json: the README's facts for programs. */
export function manifest(record: GenerationRecord, provenance: Provenance = DEMO_PROVENANCE): Record<string, unknown> {
  return {
    generator: provenance.database,
    version: GENERATOR_VERSION,
    seed: record.seed,
    ...record.facts,
    imagesPerCategory: record.imagesPerCategory,
    categories: record.categories.map((c) => ({ name: c.name, year: c.year, keypoints: c.keypointNames, images: c.images, pairs: c.pairs, mirror: c.mirror })),
  }
}
