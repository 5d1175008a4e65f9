import { readFileSync } from 'node:fs'
import { decode as decodeJpeg } from 'jpeg-js'
import { PNG } from 'pngjs'
import type { Mask, RgbImage } from './rgb-image'

export type ImageFormat = 'jpeg' | 'png'

/** Identifies the format by its magic bytes, so a mislabelled extension does not matter. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg'
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (bytes.length >= png.length && png.every((b, i) => bytes[i] === b)) return 'png'
  return null
}

interface Rgba {
  width: number
  height: number
  data: Uint8Array
  channels: 3 | 4
  format: ImageFormat
}

function decodeRaw(bytes: Uint8Array, source: string): Rgba {
  const format = sniffImageFormat(bytes)
  try {
    if (format === 'jpeg') {
      // jpeg-js ignores EXIF orientation: pixels come back as stored, which is what SPair-style
      // annotations (made on the stored pixels) expect.
      const out = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: false })
      return { width: out.width, height: out.height, data: out.data, channels: 3, format }
    }
    if (format === 'png') {
      // pngjs always hands back 8-bit RGBA, whatever the file's colour type and bit depth.
      const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      const out = PNG.sync.read(buffer)
      return { width: out.width, height: out.height, data: out.data, channels: 4, format }
    }
  } catch (error) {
    throw new Error(`${source}: cannot decode ${format} data: ${(error as Error).message}`)
  }
  throw new Error(`${source}: not a JPEG or PNG file (unrecognised header)`)
}

/**
 * Decodes JPEG or PNG bytes (a Node Buffer works) to RGB. A PNG's alpha channel is dropped,
 * not composited: images here are photographs, and their masks travel separately.
 */
export function decodeImage(bytes: Uint8Array, source = 'image'): RgbImage {
  const raw = decodeRaw(bytes, source)
  if (raw.channels === 3) return { width: raw.width, height: raw.height, data: raw.data }
  const n = raw.width * raw.height
  const data = new Uint8Array(n * 3)
  for (let i = 0; i < n; i++) {
    data[i * 3] = raw.data[i * 4]!
    data[i * 3 + 1] = raw.data[i * 4 + 1]!
    data[i * 3 + 2] = raw.data[i * 4 + 2]!
  }
  return { width: raw.width, height: raw.height, data }
}

export interface MaskOptions {
  /**
   * A pixel is foreground when its largest RGB channel exceeds this. Default 0 for PNG (any
   * non-zero label or palette colour, background = 0 as in SPair/VOC segmentations; a
   * class-specific label needs the raw palette index, which pngjs does not expose), 127 for
   * JPEG, whose compression noise makes a black background slightly non-zero.
   */
  threshold?: number
}

/** Decodes a segmentation image to a binary mask (see MaskOptions.threshold for what counts). */
export function decodeMask(bytes: Uint8Array, source = 'mask', options: MaskOptions = {}): Mask {
  const raw = decodeRaw(bytes, source)
  const threshold = options.threshold ?? (raw.format === 'png' ? 0 : 127)
  const n = raw.width * raw.height
  const data = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const o = i * raw.channels
    const max = Math.max(raw.data[o]!, raw.data[o + 1]!, raw.data[o + 2]!)
    data[i] = max > threshold ? 1 : 0
  }
  return { width: raw.width, height: raw.height, data }
}

export function readImageFile(path: string): RgbImage {
  return decodeImage(readFileSync(path), path)
}

export function readMaskFile(path: string, options?: MaskOptions): Mask {
  return decodeMask(readFileSync(path), path, options)
}
