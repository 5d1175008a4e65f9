/** An 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B. */
export interface RgbImage {
  width: number
  height: number
  data: Uint8Array
}

/** A binary foreground mask: one byte per pixel, 1 = foreground, 0 = background. */
export interface Mask {
  width: number
  height: number
  data: Uint8Array
}

export function assertRgbImage(image: RgbImage, what = 'image'): void {
  const { width, height, data } = image
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`${what}: width and height must be positive integers, got ${width} x ${height}`)
  }
  if (data.length !== width * height * 3) {
    throw new Error(`${what}: expected ${width * height * 3} bytes of RGB data for ${width} x ${height}, got ${data.length}`)
  }
}

/** A backbone's input batch: every image whole RGB and `size` square, as cropSquare makes them; `name` names the backbone. */
export function assertSquareInputs(images: readonly RgbImage[], size: number, name: string): void {
  images.forEach((img, k) => {
    assertRgbImage(img, `${name} input ${k}`)
    if (img.width !== size || img.height !== size) {
      throw new Error(`${name}: input ${k} is ${img.width} x ${img.height}, expected ${size} x ${size} (crop it with cropSquare)`)
    }
  })
}
