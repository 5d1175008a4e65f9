import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { compileFunction } from 'node:vm'
import { encode } from 'jpeg-js'

export const JPEG_QUALITY = 90

interface JpegJsEncoder {
  encode(image: { data: Uint8Array; width: number; height: number }, quality: number): Buffer
}
type JpegJsEncoderClass = new (quality: number) => JpegJsEncoder

/**
 * jpeg-js's encode() constructs a JPEGEncoder on every call, and that constructor (Huffman
 * and category tables: some 130,000 small arrays) costs several times the encoding of a
 * 320 x 240 image. The class is not exported, so this compiles jpeg-js's own encoder file a
 * second time to reach it. Null if the file no longer defines it.
 */
function loadEncoderClass(): JpegJsEncoderClass | null {
  try {
    const req = createRequire(__filename)
    const path = req.resolve('jpeg-js/lib/encoder.js')
    const body = `${readFileSync(path, 'utf8')}\nreturn typeof JPEGEncoder === 'function' ? JPEGEncoder : null`
    const factory = compileFunction(body, ['module', 'exports', 'require'], { filename: path })
    return factory({ exports: {} }, {}, req) as JpegJsEncoderClass | null
  } catch {
    return null
  }
}

/**
 * A JPEG encoder that keeps one jpeg-js encoder instance (its encode() resets every
 * per-image state), giving the same bytes as jpeg-js's encode() several times faster; it
 * falls back to that encode() where the instance cannot be had.
 */
export function createJpegEncoder(): (rgba: Uint8Array, width: number, height: number) => Buffer {
  const Encoder = loadEncoderClass()
  if (Encoder === null) return (rgba, width, height) => encode({ data: rgba, width, height }, JPEG_QUALITY).data
  const encoder = new Encoder(JPEG_QUALITY)
  return (rgba, width, height) => encoder.encode({ data: rgba, width, height }, JPEG_QUALITY)
}
