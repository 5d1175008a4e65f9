import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { PNG } from 'pngjs'
import { keypointColour } from '../../../shared/keypoint-colours'
import { decodeImage } from '../../images/decode-image'

export interface ContactSheetOptions {
  /** An SPair-layout tree. */
  root: string
  category: string
  /** Image stems to show, in order; default `count` of the category's images evenly spaced in name order. */
  stems?: readonly string[]
  count?: number
  columns?: number
  /** Each image is scaled to fit a tile of this size (letterboxed, dark grey). */
  tile?: readonly [number, number]
}

const GAP = 3

/** The studio's colour of a keypoint id (as the image views draw it), as bytes. */
function keypointRgb(id: number): [number, number, number] {
  const hex = keypointColour(id)
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number]
}

/**
 * A PNG grid of a tree's images with their annotated keypoints drawn as dots (the studio's colour
 * of each keypoint id, black rim): a look at what a generated benchmark holds.
 */
export async function contactSheet(options: ContactSheetOptions): Promise<Buffer> {
  const [tileW, tileH] = options.tile ?? [240, 200]
  const columns = options.columns ?? 4
  const stems = options.stems ?? evenlySpaced(await imageStems(options.root, options.category), options.count ?? 12)
  const rows = Math.max(1, Math.ceil(stems.length / columns))
  const sheet = new PNG({ width: columns * tileW, height: rows * tileH })
  sheet.data.fill(40)
  for (let i = 3; i < sheet.data.length; i += 4) sheet.data[i] = 255
  for (const [k, stem] of stems.entries()) {
    const jpeg = await readFile(join(options.root, 'JPEGImages', options.category, `${stem}.jpg`))
    const image = decodeImage(jpeg, stem)
    const annotation = JSON.parse(await readFile(join(options.root, 'ImageAnnotation', options.category, `${stem}.json`), 'utf8')) as {
      kps: Record<string, [number, number] | null>
    }
    // A few pixels of the dark ground between tiles, so that neighbouring images stay apart.
    const s = Math.min((tileW - 2 * GAP) / image.width, (tileH - 2 * GAP) / image.height)
    const ox = (k % columns) * tileW + Math.floor((tileW - image.width * s) / 2)
    const oy = Math.floor(k / columns) * tileH + Math.floor((tileH - image.height * s) / 2)
    const w = Math.floor(image.width * s)
    const h = Math.floor(image.height * s)
    for (let y = 0; y < h; y++) {
      const sy = Math.min(image.height - 1, Math.floor(y / s))
      for (let x = 0; x < w; x++) {
        const sx = Math.min(image.width - 1, Math.floor(x / s))
        const from = 3 * (sy * image.width + sx)
        const to = 4 * ((oy + y) * sheet.width + ox + x)
        sheet.data[to] = image.data[from]!
        sheet.data[to + 1] = image.data[from + 1]!
        sheet.data[to + 2] = image.data[from + 2]!
      }
    }
    for (const [id, point] of Object.entries(annotation.kps)) {
      if (point === null) continue
      dot(sheet, ox + (point[0] + 0.5) * s, oy + (point[1] + 0.5) * s, keypointRgb(Number(id)))
    }
  }
  return PNG.sync.write(sheet)
}

function dot(png: PNG, cx: number, cy: number, colour: readonly [number, number, number]): void {
  const outer = 4
  for (let y = Math.floor(cy - outer); y <= Math.ceil(cy + outer); y++) {
    for (let x = Math.floor(cx - outer); x <= Math.ceil(cx + outer); x++) {
      if (x < 0 || y < 0 || x >= png.width || y >= png.height) continue
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy)
      if (d > outer) continue
      const c = d > outer - 1.3 ? [0, 0, 0] : colour
      const p = 4 * (y * png.width + x)
      png.data[p] = c[0]!
      png.data[p + 1] = c[1]!
      png.data[p + 2] = c[2]!
    }
  }
}

async function imageStems(root: string, category: string): Promise<string[]> {
  const files = await readdir(join(root, 'JPEGImages', category))
  return files
    .filter((f) => f.endsWith('.jpg'))
    .map((f) => f.slice(0, -4))
    .sort()
}

function evenlySpaced<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items]
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!)
}
