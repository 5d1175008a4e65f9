import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseGltfAsset } from '../../../src/main/datasets/asset/gltf-asset'
import { posePositions } from '../../../src/main/datasets/asset/pose'
import { parseKeypointFile } from '../../../src/main/datasets/asset/keypoint-file'

const FOX = readFileSync(join(__dirname, '../../../resources/assets/fox/Fox.glb'))
const KEYPOINTS = readFileSync(join(__dirname, '../../../resources/assets/fox/Fox.keypoints.json'), 'utf8')
const CASES = 200

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32)
}

/** The GLB cut short, or with bytes overwritten in its JSON chunk, its binary chunk or its header. */
function damaged(r: () => number): Uint8Array {
  const bytes = new Uint8Array(FOX)
  const jsonEnd = 20 + new DataView(bytes.buffer).getUint32(12, true)
  switch (Math.floor(r() * 4)) {
    case 0:
      return bytes.subarray(0, Math.floor(r() * bytes.length))
    case 1:
      for (let k = 0; k < 1 + Math.floor(r() * 8); k++) bytes[20 + Math.floor(r() * (jsonEnd - 20))] = Math.floor(r() * 256)
      return bytes
    case 2:
      for (let k = 0; k < 1 + Math.floor(r() * 64); k++) bytes[jsonEnd + Math.floor(r() * (bytes.length - jsonEnd))] = Math.floor(r() * 256)
      return bytes
    default:
      bytes[Math.floor(r() * 20)] = Math.floor(r() * 256)
      return bytes
  }
}

describe('damaged glTF assets and keypoint files', () => {
  it(`refuses ${CASES} damaged copies of the fox with an Error naming the file, or reads and poses them`, async () => {
    const r = rng(21)
    const outcomes = { read: 0, refused: 0 }
    for (let i = 0; i < CASES; i++) {
      const source = `damaged-${i}.glb`
      try {
        const asset = await parseGltfAsset(damaged(r), source)
        // What parses must pose without crashing: a bad joint slot is an Error naming the file.
        for (let a = -1; a < asset.animations.length; a++) posePositions(asset, { animation: a, time: 0.3 })
        outcomes.read++
      } catch (error) {
        expect(error, `case ${i}`).toBeInstanceOf(Error)
        expect((error as Error).constructor.name, `case ${i}: ${(error as Error).message}`).not.toMatch(/^(TypeError|ReferenceError)$/)
        expect((error as Error).message, `case ${i}`).toContain(source)
        outcomes.refused++
      }
    }
    expect(outcomes.refused).toBeGreaterThan(CASES / 4)
    expect(outcomes.read).toBeGreaterThan(0)
  })

  it(`names the file in every error on ${CASES} mutated keypoint files`, () => {
    const r = rng(22)
    let refused = 0
    for (let i = 0; i < CASES; i++) {
      const chars = [...KEYPOINTS]
      for (let k = 0; k < 1 + Math.floor(r() * 4); k++) chars[Math.floor(r() * chars.length)] = String.fromCharCode(32 + Math.floor(r() * 95))
      const text = r() < 0.2 ? KEYPOINTS.slice(0, Math.floor(r() * KEYPOINTS.length)) : chars.join('')
      try {
        parseKeypointFile(text, 'kp.json')
      } catch (error) {
        refused++
        expect((error as Error).message).toMatch(/^kp\.json( \(line \d+\))?: /)
      }
    }
    expect(refused).toBeGreaterThan(CASES / 4)
  })
})
