import { readFile } from 'node:fs/promises'
import { PNG } from 'pngjs'

/**
 * SPair's segmentation PNGs are read inconsistently by published code (class index of VOC-20,
 * of the 18 SPair classes, or "anything > 0"). Only the last is right for every category, so
 * that is the rule here: any pixel whose decoded colour is not black is the object. A palette
 * PNG is decoded through its palette, so this holds as long as index 0 (background) is black,
 * as in the VOC palette.
 */
export const SEGMENTATION_RULE = 'nonzero'

export interface ForegroundMask {
  width: number
  height: number
  /** Row-major, 1 = object, 0 = background. */
  data: Uint8Array
}

export function foregroundMask(png: Buffer): ForegroundMask {
  const image = PNG.sync.read(png)
  const data = new Uint8Array(image.width * image.height)
  const rgba = image.data
  for (let i = 0; i < data.length; i++) {
    const o = i * 4
    data[i] = (rgba[o] as number) | (rgba[o + 1] as number) | (rgba[o + 2] as number) ? 1 : 0
  }
  return { width: image.width, height: image.height, data }
}

export async function readForegroundMask(path: string): Promise<ForegroundMask> {
  return foregroundMask(await readFile(path))
}
