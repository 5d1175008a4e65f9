import { closeSync, openSync, readSync } from 'node:fs'

export interface ImageSize {
  width: number
  height: number
}

const CHUNK = 4096

/** Start-of-frame markers that carry the frame size (not DHT 0xC4, JPG 0xC8, DAC 0xCC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
}

/**
 * Width and height from a JPEG's frame header, reading only segment headers (EXIF blocks are
 * skipped by their length) instead of decoding: one or two 4 KiB reads for a typical file.
 * Null if it is not a JPEG with a frame header before its scan data.
 */
export function readJpegSize(path: string): ImageSize | null {
  const fd = openSync(path, 'r')
  try {
    const chunk = Buffer.alloc(CHUNK)
    let start = 0
    let length = readSync(fd, chunk, 0, CHUNK, 0)
    if (length < 4 || chunk[0] !== 0xff || chunk[1] !== 0xd8) return null
    let pos = 2
    for (let guard = 0; guard < 10_000; guard++) {
      if (pos + 9 > start + length) {
        start = pos
        length = readSync(fd, chunk, 0, CHUNK, pos)
        if (length < 4) return null
      }
      const o = pos - start
      if (chunk[o] !== 0xff) return null
      const marker = chunk[o + 1] as number
      if (marker === 0xff) {
        pos += 1 // fill byte before a marker
        continue
      }
      if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
        pos += 2 // markers without a length
        continue
      }
      if (marker === 0xd9 || marker === 0xda) return null
      if (isStartOfFrame(marker)) {
        if (o + 9 > length) return null
        return { height: chunk.readUInt16BE(o + 5), width: chunk.readUInt16BE(o + 7) }
      }
      pos += 2 + chunk.readUInt16BE(o + 2)
    }
    return null
  } finally {
    closeSync(fd)
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Width and height from a PNG's IHDR chunk (always the first, at byte 8). */
export function readPngSize(path: string): ImageSize | null {
  const fd = openSync(path, 'r')
  try {
    const head = Buffer.alloc(24)
    const n = readSync(fd, head, 0, 24, 0)
    if (n < 24 || !head.subarray(0, 8).equals(PNG_SIGNATURE) || head.toString('latin1', 12, 16) !== 'IHDR') return null
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) }
  } finally {
    closeSync(fd)
  }
}
