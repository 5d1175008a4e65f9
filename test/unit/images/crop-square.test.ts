import { describe, expect, it } from 'vitest'
import { cropSquare, cropSquareMask, IMAGENET_MEAN_RGB, squareCropTransform } from '../../../src/main/images/crop-square'
import type { RgbImage } from '../../../src/main/images/rgb-image'

function solid(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let p = 0; p < width * height; p++) data.set(rgb, p * 3)
  return { width, height, data }
}

const pixel = (img: RgbImage, x: number, y: number): number[] => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3))

describe('squareCropTransform', () => {
  it('centres a square of (1 + 2 margin) x the longer side on the box', () => {
    // longer side 200 -> side 240 -> scale 120/240; centre (200, 100) -> corner (80, -20).
    const t = squareCropTransform([100, 50, 300, 150], 0.1, 120)
    expect(t.scale).toBeCloseTo(0.5, 12)
    expect(t.offsetX).toBeCloseTo(80, 12)
    expect(t.offsetY).toBeCloseTo(-20, 12)
    expect(t.toCrop([100, 50])).toEqual([10, 35])
    expect(t.toCrop([300, 150])).toEqual([110, 85])
    expect(t.toImage([0, 0])).toEqual([80, -20])
    expect(t.toImage([120, 120])).toEqual([320, 220])
  })

  it('round-trips points both ways', () => {
    const t = squareCropTransform([13.5, 7.25, 91, 40], 0.15, 224)
    for (const p of [[0, 0], [13.5, 7.25], [500.5, -3], [52.3, 23.9]] as const) {
      const [x, y] = t.toImage(t.toCrop(p))
      expect(x).toBeCloseTo(p[0], 9)
      expect(y).toBeCloseTo(p[1], 9)
      const [u, v] = t.toCrop(t.toImage(p))
      expect(u).toBeCloseTo(p[0], 9)
      expect(v).toBeCloseTo(p[1], 9)
    }
  })

  it('refuses degenerate boxes, negative margins and bad sizes', () => {
    expect(() => squareCropTransform([5, 5, 5, 5], 0.1, 64)).toThrow(/zero size/)
    expect(() => squareCropTransform([5, 5, 1, 9], 0.1, 64)).toThrow(/x2 >= x1/)
    expect(() => squareCropTransform([0, 0, 10, 10], -0.1, 64)).toThrow(/marginFraction/)
    expect(() => squareCropTransform([0, 0, 10, 10], 0.1, 0)).toThrow(/crop size/)
  })
})

describe('cropSquare', () => {
  it('letterboxes a wide image with the mean grey above and below', () => {
    // A 4 x 2 red image in a 4 x 4 crop at scale 1: rows 0 and 3 fall outside the image.
    const { image, transform } = cropSquare(solid(4, 2, [255, 0, 0]), [0, 0, 4, 2], 0, 4)
    expect(transform.offsetY).toBe(-1)
    for (let x = 0; x < 4; x++) {
      expect(pixel(image, x, 0)).toEqual([...IMAGENET_MEAN_RGB])
      expect(pixel(image, x, 1)).toEqual([255, 0, 0])
      expect(pixel(image, x, 2)).toEqual([255, 0, 0])
      expect(pixel(image, x, 3)).toEqual([...IMAGENET_MEAN_RGB])
    }
  })

  it('pads with the colour asked for', () => {
    const { image } = cropSquare(solid(2, 4, [10, 200, 30]), [0, 0, 2, 4], 0, 4, { pad: [0, 0, 0] })
    expect(pixel(image, 0, 2)).toEqual([0, 0, 0])
    expect(pixel(image, 1, 2)).toEqual([10, 200, 30])
    expect(pixel(image, 3, 2)).toEqual([0, 0, 0])
  })

  it('interpolates bilinearly between pixel centres when enlarging', () => {
    // R = 60 x column. Box [1, 3) doubled: crop pixel centres land at image x 1.25, 1.75, 2.25,
    // 2.75, i.e. 0.75 .. 2.25 in pixel-centre indices: R = 45, 75, 105, 135.
    const img = solid(4, 4, [0, 0, 0])
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) img.data[(y * 4 + x) * 3] = 60 * x
    const { image } = cropSquare(img, [1, 1, 3, 3], 0, 4)
    expect([0, 1, 2, 3].map((u) => pixel(image, u, 1)[0])).toEqual([45, 75, 105, 135])
  })

  it('averages over each crop pixel when shrinking instead of aliasing', () => {
    // A one-pixel checkerboard shrunk 4x: point sampling would give all black or all white.
    const img = solid(32, 32, [0, 0, 0])
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) if ((x + y) % 2) img.data.fill(255, (y * 32 + x) * 3, (y * 32 + x) * 3 + 3)
    const { image } = cropSquare(img, [0, 0, 32, 32], 0, 8)
    for (const v of image.data) expect(Math.abs(v - 127.5)).toBeLessThanOrEqual(0.5)
  })

  it('puts a marked pixel where the transform says', () => {
    const img = solid(60, 40, [0, 0, 0])
    img.data.fill(255, (17 * 60 + 41) * 3, (17 * 60 + 41) * 3 + 3)
    const { image, transform } = cropSquare(img, [30, 10, 50, 25], 0.2, 48)
    const [u, v] = transform.toCrop([41.5, 17.5])
    let best = [-1, 0, 0]
    for (let y = 0; y < 48; y++) for (let x = 0; x < 48; x++) if (pixel(image, x, y)[0]! > best[0]!) best = [pixel(image, x, y)[0]!, x, y]
    expect(Math.abs(best[1]! + 0.5 - u)).toBeLessThanOrEqual(1)
    expect(Math.abs(best[2]! + 0.5 - v)).toBeLessThanOrEqual(1)
  })

  it('refuses an image whose data does not match its size', () => {
    expect(() => cropSquare({ width: 4, height: 4, data: new Uint8Array(10) }, [0, 0, 4, 4], 0, 8)).toThrow(/expected 48 bytes/)
  })
})

describe('cropSquareMask', () => {
  it('crops with the same transform, background outside the image', () => {
    // Foreground = right half of a 8 x 4 mask; crop the whole mask into 8 x 8 at scale 1.
    const data = new Uint8Array(32)
    for (let y = 0; y < 4; y++) for (let x = 4; x < 8; x++) data[y * 8 + x] = 1
    const { mask, transform } = cropSquareMask({ width: 8, height: 4, data }, [0, 0, 8, 4], 0, 8)
    expect(transform.offsetY).toBe(-2)
    const row = (y: number): number[] => Array.from(mask.data.subarray(y * 8, y * 8 + 8))
    expect(row(0)).toEqual([0, 0, 0, 0, 0, 0, 0, 0])
    expect(row(3)).toEqual([0, 0, 0, 0, 1, 1, 1, 1])
    expect(row(7)).toEqual([0, 0, 0, 0, 0, 0, 0, 0])
  })
})
