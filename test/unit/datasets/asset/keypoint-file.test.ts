import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readGltfAsset } from '../../../../src/main/datasets/asset/gltf-asset'
import { keypointPrimitive, parseKeypointFile, readKeypointFile } from '../../../../src/main/datasets/asset/keypoint-file'
import { tempDir } from '../../../helpers/temp-dir'

const FOX_DIR = join(__dirname, '../../../../resources/assets/fox')
const valid = {
  asset: 'Fox.glb',
  mesh: 'fox1',
  keypoints: [
    { name: 'nose', vertex: 29 },
    { name: 'left_eye', vertex: 419 },
    { name: 'right_eye', vertex: 721 },
  ],
  mirror: { left_eye: 'right_eye' },
}
const parse = (doc: unknown): unknown => parseKeypointFile(JSON.stringify(doc, null, 2), 'kp.json')

describe('keypoint files', () => {
  const temp = tempDir('semagic-keypoints-')
  afterAll(() => temp.remove())

  it('accepts a valid file and fills the defaults', () => {
    expect(parse(valid)).toEqual({ ...valid, primitive: 0, credits: [] })
  })

  it.each([
    ['a duplicate name', { ...valid, keypoints: [...valid.keypoints, { name: 'nose', vertex: 3 }] }, /kp\.json: keypoints\[3\]\.name: "nose" is already keypoints\[0\]'s name/],
    ['a negative vertex', { ...valid, keypoints: [{ name: 'nose', vertex: -1 }] }, /kp\.json: keypoints\[0\]\.vertex: /],
    ['a fractional vertex', { ...valid, keypoints: [{ name: 'nose', vertex: 1.5 }] }, /kp\.json: keypoints\[0\]\.vertex: /],
    ['a name with spaces', { ...valid, keypoints: [{ name: 'left eye', vertex: 1 }] }, /kp\.json: keypoints\[0\]\.name: use lower-case letters/],
    ['no keypoints', { ...valid, keypoints: [], mirror: {} }, /kp\.json: keypoints: /],
    ['31 keypoints', { ...valid, keypoints: Array.from({ length: 31 }, (_, i) => ({ name: `k${i}`, vertex: i })), mirror: {} }, /kp\.json: keypoints: /],
    ['a missing mesh', { ...valid, mesh: undefined }, /kp\.json: mesh: /],
    ['a mirror naming no keypoint', { ...valid, mirror: { left_eye: 'right_ear' } }, /kp\.json: mirror\.left_eye: "right_ear" is not one of the keypoints' names/],
    ['a keypoint mirrored onto itself', { ...valid, mirror: { nose: 'nose' } }, /kp\.json: mirror\.nose: a keypoint cannot be its own mirror twin/],
    ['a keypoint in two mirror pairs', { ...valid, mirror: { left_eye: 'right_eye', nose: 'left_eye' } }, /kp\.json: mirror\.nose: "left_eye" is already paired with "right_eye"/],
    ['an unknown category spelling', { ...valid, category: 'Fox' }, /kp\.json: category: /],
  ])('names the file and the field for %s', (_, doc, message) => {
    expect(() => parse(doc)).toThrow(message)
  })

  it('names the line of a JSON syntax error', () => {
    expect(() => parseKeypointFile('{\n  "asset": "Fox.glb",\n  "mesh": "fox1",,\n}', 'bad.json')).toThrow(/bad\.json \(line 3\): not valid JSON/)
  })

  it('checks the mesh, primitive and vertex range against the asset', async () => {
    const fox = await readGltfAsset(join(FOX_DIR, 'Fox.glb'))
    const file = parseKeypointFile(JSON.stringify(valid), 'kp.json')
    expect(keypointPrimitive(fox, file, 'kp.json').positions.length).toBe(3 * 1728)
    expect(() => keypointPrimitive(fox, { ...file, mesh: 'wolf' }, 'kp.json')).toThrow(/kp\.json: mesh: Fox\.glb draws no mesh "wolf" primitive 0 \(it draws "fox1" primitive 0\)/)
    expect(() => keypointPrimitive(fox, { ...file, keypoints: [{ name: 'far', vertex: 1728 }] }, 'kp.json')).toThrow(
      /kp\.json: keypoints\[0\]\.vertex: 1728 is beyond the 1728 vertices of mesh "fox1" primitive 0/,
    )
  })

  it('reads a file from disk and resolves its asset beside it; a missing file is named', async () => {
    const dir = join(temp.path, 'assets')
    mkdirSync(dir)
    writeFileSync(join(dir, 'fox.json'), JSON.stringify(valid))
    const loaded = await readKeypointFile(join(dir, 'fox.json'))
    expect(loaded.assetPath).toBe(join(dir, 'Fox.glb'))
    await expect(readKeypointFile(join(dir, 'none.json'))).rejects.toThrow(/none\.json: cannot read the keypoint file \(ENOENT\)/)
  })

  it('the shipped fox keypoint file is valid for the shipped fox', async () => {
    const loaded = await readKeypointFile(join(FOX_DIR, 'Fox.keypoints.json'))
    const fox = await readGltfAsset(loaded.assetPath)
    expect(() => keypointPrimitive(fox, loaded.file, loaded.path)).not.toThrow()
    expect(loaded.file.keypoints.length).toBeGreaterThanOrEqual(12)
    expect(loaded.file.credits.join(' ')).toMatch(/CC-BY 4\.0.*tomkranis/)
  })
})
