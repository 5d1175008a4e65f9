import { decode, encode } from 'jpeg-js'
import { describe, expect, it } from 'vitest'
import { JPEG_QUALITY, createJpegEncoder } from '../../../../src/main/datasets/synthetic/jpeg-encoder'

function image(width: number, height: number, seed: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4)
  for (let p = 0; p < width * height; p++) {
    const x = p % width
    const y = Math.floor(p / width)
    rgba.set([(x * 3 + seed) & 255, (y * 5 + seed * 7) & 255, ((x ^ y) + seed) & 255, 255], 4 * p)
  }
  return rgba
}

describe('createJpegEncoder', () => {
  it('gives the bytes of jpeg-js encode(), call after call, with one encoder', () => {
    const encodeJpeg = createJpegEncoder()
    for (const [w, h, seed] of [[320, 240, 1], [37, 21, 2], [320, 240, 3]] as const) {
      const rgba = image(w, h, seed)
      const bytes = encodeJpeg(rgba, w, h)
      expect(bytes.equals(encode({ data: rgba, width: w, height: h }, JPEG_QUALITY).data)).toBe(true)
      const back = decode(bytes, { useTArray: true })
      expect([back.width, back.height]).toEqual([w, h])
    }
  })
})
