import { PNG } from 'pngjs'

/** 8-bit single-channel PNG of the 0/255 mask. */
export function encodeMaskPng(mask: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 })
  png.data = Buffer.from(mask.buffer, mask.byteOffset, mask.byteLength)
  // Filter 0: a two-valued mask deflates well unfiltered, and pngjs's adaptive choice costs more than the rest.
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8, filterType: 0 })
}
