import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { encode as encodeJpeg } from 'jpeg-js'
import { PNG } from 'pngjs'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeImage, decodeMask, readImageFile, readMaskFile, sniffImageFormat } from '../../../src/main/images/decode-image'
import { tempDir } from '../../helpers/temp-dir'

const W = 16
const H = 8
/** A smooth RGB pattern: survives JPEG with small errors. */
const rgb = (x: number, y: number): [number, number, number] => [x * 15, y * 30, 200 - x * 5]

function png(colorType: 0 | 2 | 6, value: (x: number, y: number) => [number, number, number, number]): Buffer {
  const image = new PNG({ width: W, height: H })
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) image.data.set(value(x, y), (y * W + x) * 4)
  return PNG.sync.write(image, { colorType })
}

function jpegBytes(): Buffer {
  const data = Buffer.alloc(W * H * 4)
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([...rgb(x, y), 255], (y * W + x) * 4)
  return encodeJpeg({ width: W, height: H, data }, 95).data
}

const dir = tempDir()
afterAll(() => dir.remove())

describe('decodeImage', () => {
  it('decodes an RGBA PNG to RGB, dropping alpha', () => {
    const img = decodeImage(png(6, (x, y) => [...rgb(x, y), 17]))
    expect([img.width, img.height, img.data.length]).toEqual([W, H, W * H * 3])
    expect(Array.from(img.data.subarray((3 * W + 5) * 3, (3 * W + 5) * 3 + 3))).toEqual(rgb(5, 3))
  })

  it('accepts a plain Uint8Array as well as a Buffer', () => {
    const bytes = png(2, (x, y) => [...rgb(x, y), 255])
    const copy = new Uint8Array(bytes.length + 3).subarray(3)
    copy.set(bytes)
    expect(decodeImage(copy).data).toEqual(decodeImage(bytes).data)
  })

  it('spreads a grey PNG over the three channels', () => {
    const img = decodeImage(png(0, (x) => [x * 10, x * 10, x * 10, 255]))
    expect(Array.from(img.data.subarray(7 * 3, 7 * 3 + 3))).toEqual([70, 70, 70])
  })

  it('decodes a JPEG close to what was encoded', () => {
    const img = decodeImage(jpegBytes())
    expect([img.width, img.height]).toEqual([W, H])
    let worst = 0
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(img.data[(y * W + x) * 3 + c]! - rgb(x, y)[c]!))
    expect(worst).toBeLessThan(12)
  })

  it('reads files by path, whatever the extension says', () => {
    const path = join(dir.path, 'actually-a-jpeg.png')
    writeFileSync(path, jpegBytes())
    expect(sniffImageFormat(jpegBytes())).toBe('jpeg')
    expect(readImageFile(path).width).toBe(W)
  })

  it('names the source when the bytes are not an image or are corrupt', () => {
    expect(() => decodeImage(new TextEncoder().encode('hello'), 'notes.txt')).toThrow(/notes\.txt: not a JPEG or PNG/)
    const broken = png(2, () => [1, 2, 3, 255]).subarray(0, 40)
    expect(() => decodeImage(broken, 'cut.png')).toThrow(/cut\.png: cannot decode png/)
  })
})

describe('decodeMask', () => {
  it('takes any non-zero PNG pixel as foreground', () => {
    const mask = decodeMask(png(0, (x) => (x >= 10 ? [1, 1, 1, 255] : [0, 0, 0, 255])))
    expect(Array.from(mask.data.subarray(0, W))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
  })

  it('thresholds JPEG masks at the middle so compression noise stays background', () => {
    const data = Buffer.alloc(W * H * 4)
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set(x >= 8 ? [250, 250, 250, 255] : [0, 0, 0, 255], (y * W + x) * 4)
    const path = join(dir.path, 'mask.jpg')
    writeFileSync(path, encodeJpeg({ width: W, height: H, data }, 80).data)
    const mask = readMaskFile(path)
    expect(Array.from(mask.data.subarray(4 * W + 2, 4 * W + 6))).toEqual([0, 0, 0, 0])
    expect(Array.from(mask.data.subarray(4 * W + 10, 4 * W + 14))).toEqual([1, 1, 1, 1])
    expect(readMaskFile(path, { threshold: 255 }).data.every((v) => v === 0)).toBe(true)
  })
})
