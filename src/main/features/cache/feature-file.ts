import { readFileSync } from 'node:fs'
import { writeFileAtomic } from '../../core/atomic-write'
import type { FeatureMap } from '../backbones/types'
import { decodeHalf, encodeHalf } from './float16'

const MAGIC = 0x46474d53 // "SMGF" little-endian
const VERSION = 1
const HEADER_BYTES = 24

/**
 * One cached feature map: a 24-byte header (magic, version, C, h, w, stride) then C*h*w
 * float16 values. Written to a temporary name, synced and renamed, so a reader never sees a
 * half-written file under the final name (and a full disk leaves no partial file: a STORAGE error).
 */
export function writeFeatureFile(path: string, map: FeatureMap): number {
  const header = Buffer.alloc(HEADER_BYTES)
  header.writeUInt32LE(MAGIC, 0)
  header.writeUInt32LE(VERSION, 4)
  header.writeUInt32LE(map.channels, 8)
  header.writeUInt32LE(map.height, 12)
  header.writeUInt32LE(map.width, 16)
  header.writeFloatLE(map.stride, 20)
  const body = encodeHalf(map.data)
  writeFileAtomic(path, [header, new Uint8Array(body.buffer, body.byteOffset, body.byteLength)])
  return HEADER_BYTES + body.byteLength
}

export function readFeatureFile(path: string): FeatureMap {
  const bytes = readFileSync(path)
  if (bytes.length < HEADER_BYTES || bytes.readUInt32LE(0) !== MAGIC) throw new Error(`${path}: not a SEMAGIC feature file`)
  const version = bytes.readUInt32LE(4)
  if (version !== VERSION) throw new Error(`${path}: feature file version ${version}, expected ${VERSION}`)
  const channels = bytes.readUInt32LE(8)
  const height = bytes.readUInt32LE(12)
  const width = bytes.readUInt32LE(16)
  const stride = bytes.readFloatLE(20)
  const n = channels * height * width
  if (bytes.length !== HEADER_BYTES + 2 * n) {
    throw new Error(`${path}: truncated (${bytes.length} bytes for ${channels}x${height}x${width})`)
  }
  const half = new Uint16Array(n)
  for (let i = 0; i < n; i++) half[i] = bytes.readUInt16LE(HEADER_BYTES + 2 * i)
  return { channels, height, width, stride, data: decodeHalf(half) }
}
