import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { encode as encodeJpeg } from 'jpeg-js'
import { PNG } from 'pngjs'
import { writeMatFile } from './mat-writer'

/**
 * Small trees of PF-PASCAL, PF-WILLOW and CUB-200-2011, laid out as their releases and the pair
 * lists in common use document them (SPAIR.md §7), written into a folder by each test: solid-colour
 * images of exactly the annotated size, `.mat` annotations from the spec-built writer, CSV and
 * text tables as the releases write them. Keypoints are given in 0-based pixels here; the files
 * hold them 1-based where the format is MATLAB's.
 */

type Xy = [number, number] | null

const write = (root: string, rel: string, data: Buffer | string): void => {
  mkdirSync(dirname(join(root, rel)), { recursive: true })
  writeFileSync(join(root, rel), data)
}

export function jpegOf(width: number, height: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4)
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4)
  return Buffer.from(encodeJpeg({ width, height, data }, 90).data)
}

export function pngOf(width: number, height: number, inside: (x: number, y: number) => number): Buffer {
  const png = new PNG({ width, height })
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = inside(x, y)
      png.data.set([v, v, v, 255], (y * width + x) * 4)
    }
  }
  return PNG.sync.write(png)
}

const matlab = (p: Xy): number[] => (p ? [p[0] + 1, p[1] + 1] : [NaN, NaN])
const list = (xs: number[]): string => xs.map((x) => String(x)).join(';')

// ---------------------------------------------------------------- PF-PASCAL

export interface FixtureImage {
  category: string
  stem: string
  width: number
  height: number
  kps: Xy[]
  bbox: [number, number, number, number]
}

export const PF_PASCAL_IMAGES: FixtureImage[] = [
  { category: 'car', stem: '2008_000100', width: 200, height: 150, kps: [[20, 30], [60.5, 40.25], null, [150, 100]], bbox: [10, 20, 180, 140] },
  { category: 'car', stem: '2009_000200', width: 160, height: 120, kps: [[15, 25], [50, 35], [80, 60], null], bbox: [5, 10, 150, 110] },
  { category: 'car', stem: '2010_000300', width: 180, height: 180, kps: [[30, 40], [70, 50], [100, 90], [160, 170]], bbox: [20, 30, 170, 175] },
  { category: 'cat', stem: '2008_000400', width: 220, height: 160, kps: [[40, 50], [90, 60], [120, 80]], bbox: [30, 40, 200, 150] },
  { category: 'cat', stem: '2011_000500', width: 150, height: 200, kps: [[35, 45], null, [110, 150]], bbox: [25, 30, 140, 190] },
]

const VOC_NUMBER: Record<string, number> = { car: 7, cat: 8 }

/** `PF-dataset-PASCAL/`: 5 images (car 3, cat 2); trn 2 pairs, val 1 (HPF lists), test 2 (CNNGeometric list with points). */
export function writePfPascalFixture(parent: string): string {
  const root = join(parent, 'PF-dataset-PASCAL')
  const img = (stem: string): FixtureImage => PF_PASCAL_IMAGES.find((i) => i.stem === stem)!
  for (const [k, im] of PF_PASCAL_IMAGES.entries()) {
    write(root, `JPEGImages/${im.stem}.jpg`, jpegOf(im.width, im.height, [40 * k, 200 - 30 * k, 90]))
    const mat = writeMatFile(
      { kps: { double: im.kps.map(matlab) }, bbox: { double: [im.bbox.map((v) => v + 1)] }, class: { char: im.category } },
      { compress: k % 2 === 0 },
    )
    write(root, `Annotations/${im.category}/${im.stem}.mat`, mat)
  }
  const path = (stem: string): string => `PF-dataset-PASCAL/JPEGImages/${stem}.jpg`
  write(root, 'trn_pairs.csv', [
    'source_image,target_image,class,flip',
    `${path('2008_000100')},${path('2009_000200')},7,0`,
    `${path('2008_000400')},${path('2011_000500')},8,1`,
    '',
  ].join('\n'))
  write(root, 'val_pairs.csv', ['source_image,target_image,class', `${path('2009_000200')},${path('2010_000300')},7`, ''].join('\n'))
  // Test rows list the points annotated in both images, in id order (as the published lists do).
  const row = (a: string, b: string): string => {
    const [src, trg] = [img(a), img(b)]
    const ids = src.kps.flatMap((p, id) => (p && trg.kps[id] ? [id] : []))
    const co = (im: FixtureImage, axis: 0 | 1): string => list(ids.map((id) => matlab(im.kps[id]!)[axis]!))
    return `${path(a)},${path(b)},${VOC_NUMBER[src.category]},${co(src, 0)},${co(src, 1)},${co(trg, 0)},${co(trg, 1)}`
  }
  write(root, 'test_pairs.csv', ['source_image,target_image,class,XA,YA,XB,YB', row('2008_000100', '2010_000300'), row('2011_000500', '2008_000400'), ''].join('\n'))
  return root
}

// ---------------------------------------------------------------- PF-WILLOW

const ten = (x0: number, y0: number, dx: number, dy: number): Xy[] => Array.from({ length: 10 }, (_, i) => [x0 + dx * i, y0 + dy * (i % 4)])

export const PF_WILLOW_IMAGES: FixtureImage[] = [
  { category: 'car(G)', stem: 'Cars_001a', width: 240, height: 180, kps: ten(10, 20, 20, 30), bbox: [0, 0, 0, 0] },
  { category: 'car(G)', stem: 'Cars_002b', width: 200, height: 200, kps: ten(15, 30, 18, 25), bbox: [0, 0, 0, 0] },
  { category: 'duck(S)', stem: '060_0001', width: 160, height: 120, kps: ten(5, 10, 15, 20), bbox: [0, 0, 0, 0] },
  { category: 'duck(S)', stem: '060_0002', width: 180, height: 140, kps: ten(8, 12, 14, 22), bbox: [0, 0, 0, 0] },
]

/** `PF-WILLOW/`: the release's `PF-dataset/<class>/` PNGs and `.mat` files, and `test_pairs_pf.csv` (4 pairs). */
export function writePfWillowFixture(parent: string): string {
  const root = join(parent, 'PF-WILLOW')
  for (const [k, im] of PF_WILLOW_IMAGES.entries()) {
    write(root, `PF-dataset/${im.category}/${im.stem}.png`, pngOf(im.width, im.height, () => 30 + 40 * k))
    write(root, `PF-dataset/${im.category}/${im.stem}.mat`, writeMatFile({ kps: { double: im.kps.map(matlab) } }, { compress: k % 2 === 1 }))
  }
  const header = ['imageA', 'imageB', ...['XA', 'YA', 'XB', 'YB'].flatMap((c) => Array.from({ length: 10 }, (_, i) => `${c}${i + 1}`))]
  const row = (a: FixtureImage, b: FixtureImage): string =>
    [
      `PF-dataset/${a.category}/${a.stem}.png`,
      `PF-dataset/${b.category}/${b.stem}.png`,
      ...[a, b].flatMap((im) => [0, 1].flatMap((axis) => im.kps.map((p) => String(matlab(p)[axis])))),
    ].join(',')
  const [c1, c2, d1, d2] = PF_WILLOW_IMAGES as [FixtureImage, FixtureImage, FixtureImage, FixtureImage]
  write(root, 'test_pairs_pf.csv', [header.join(','), row(c1, c2), row(c2, c1), row(d1, d2), row(d2, d1), ''].join('\n'))
  return root
}

// ---------------------------------------------------------------- CUB-200-2011

export interface CubFixtureImage {
  id: number
  species: string
  name: string
  width: number
  height: number
  training: boolean
  bbox: [number, number, number, number] // x y w h
  parts: Xy[] // 15, null = not visible
  mask: boolean
}

const SPECIES = ['001.Black_footed_Albatross', '002.Laysan_Albatross']
const PART_NAMES = ['back', 'beak', 'belly', 'breast', 'crown', 'forehead', 'left eye', 'left leg', 'left wing', 'nape', 'right eye', 'right leg', 'right wing', 'tail', 'throat']

/** 2 species x 7 images (4 train, 3 test); parts visible by a fixed pattern; one image without a mask. */
export const CUB_IMAGES: CubFixtureImage[] = SPECIES.flatMap((species, s) =>
  Array.from({ length: 7 }, (_, k): CubFixtureImage => {
    const id = s * 7 + k + 1
    const width = 120 + 10 * k
    const height = 100 + 5 * k
    const prefix = species.slice(4)
    return {
      id,
      species,
      name: `${species}/${prefix}_${String(1000 + id).slice(1)}_${id}.jpg`,
      width,
      height,
      training: k < 4,
      bbox: [10 + k, 12, 80, 60 + k],
      parts: Array.from({ length: 15 }, (_, p): Xy => ((p + k) % 3 === 0 ? null : [15 + 4 * p + k, 20 + 3 * p])),
      mask: id !== 3,
    }
  }),
)

export function writeCubFixture(parent: string): string {
  const root = join(parent, 'CUB_200_2011')
  const lines = (rows: (string | number)[][]): string => `${rows.map((r) => r.join(' ')).join('\n')}\n`
  write(root, 'images.txt', lines(CUB_IMAGES.map((i) => [i.id, i.name])))
  write(root, 'classes.txt', lines(SPECIES.map((s, i) => [i + 1, s])))
  write(root, 'image_class_labels.txt', lines(CUB_IMAGES.map((i) => [i.id, SPECIES.indexOf(i.species) + 1])))
  write(root, 'train_test_split.txt', lines(CUB_IMAGES.map((i) => [i.id, i.training ? 1 : 0])))
  write(root, 'bounding_boxes.txt', lines(CUB_IMAGES.map((i) => [i.id, ...i.bbox.map((v) => v.toFixed(1))])))
  write(root, 'parts/parts.txt', lines(PART_NAMES.map((n, i) => [i + 1, n])))
  write(
    root,
    'parts/part_locs.txt',
    lines(CUB_IMAGES.flatMap((i) => i.parts.map((p, k) => [i.id, k + 1, p ? p[0].toFixed(1) : '0.0', p ? p[1].toFixed(1) : '0.0', p ? 1 : 0]))),
  )
  for (const [k, im] of CUB_IMAGES.entries()) {
    write(root, `images/${im.name}`, jpegOf(im.width, im.height, [100 + 10 * k, 80, 60]))
    const [x, y, w, h] = im.bbox
    if (im.mask) write(root, `segmentations/${im.name.replace(/\.jpg$/, '.png')}`, pngOf(im.width, im.height, (px, py) => (px >= x && px < x + w && py >= y && py < y + h ? 255 : 0)))
  }
  return root
}
