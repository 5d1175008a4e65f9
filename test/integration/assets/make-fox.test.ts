import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MakeResult } from '../../../src/shared/ipc/channels/assets'
import { assetCategory, VERTEX_DEPTH_TOLERANCE, VERTEX_REACH } from '../../../src/main/datasets/asset/asset-category'
import { readGltfAsset } from '../../../src/main/datasets/asset/gltf-asset'
import { readKeypointFile } from '../../../src/main/datasets/asset/keypoint-file'
import { ASSET_STEM_YEAR } from '../../../src/main/datasets/asset/make-asset-dataset'
import { projectPoints } from '../../../src/main/engine/render/camera'
import { sampleImage } from '../../../src/main/datasets/synthetic/sample-image'
import { imageStem } from '../../../src/main/datasets/synthetic/spair-records'
import { createCore } from '../../../src/main/core/create-core'
import { runCli } from '../../helpers/run-cli'
import { tempDir } from '../../helpers/temp-dir'

const FOX_KEYPOINTS = join(__dirname, '../../../resources/assets/fox/Fox.keypoints.json')
const IMAGES = 12
const SEED = 3

interface ImageJson {
  image_width: number
  image_height: number
  kps: Record<string, [number, number] | null>
  bndbox: [number, number, number, number]
  src_database: string
}

function treeHashes(root: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else out.set(relative(root, path), createHash('sha256').update(readFileSync(path)).digest('hex'))
    }
  }
  walk(root)
  return out
}

describe('semagic datasets make --example fox', () => {
  const temp = tempDir('semagic-make-fox-')
  const dataDir = temp.path
  let result: MakeResult
  afterAll(() => temp.remove())

  beforeAll(async () => {
    const run = await runCli('datasets', 'make', '--example', 'fox', '--name', 'fox', '--images', String(IMAGES), '--seed', String(SEED), '--json', '--data-dir', dataDir)
    expect(run.code, run.stderr).toBe(0)
    result = JSON.parse(run.stdout) as MakeResult
  }, 120_000)

  it('renders the split counts and imports an SPair tree with no warning', () => {
    expect(result.images).toEqual({ trn: 8, val: 2, test: 2 })
    expect(result.category).toBe('fox')
    expect(result.keypoints).toHaveLength(15)
    const core = createCore({ dataDir, log: () => {} })
    try {
      const summary = core.services.datasets.get('fox')
      expect(summary.images).toBe(IMAGES)
      expect(Object.keys(summary.categories)).toEqual(['fox'])
      expect(summary.warningCount).toBe(0)
      expect(summary.pairs).toEqual(result.pairs)
      expect(summary.pairs.trn).toBeGreaterThan(0)
      expect(summary.pairs.test).toBeGreaterThan(0)
    } finally {
      core.close()
    }
    const readme = readFileSync(join(result.root, 'README'), 'utf8')
    expect(readme).toContain('Seed: 3')
    expect(readme).toMatch(/CC-BY 4\.0, by @tomkranis/)
    expect(readme).toContain('left_eye <-> right_eye')
  })

  it('annotates keypoints inside the image, on the mask, exactly where the z-buffer shows their vertex', async () => {
    const loaded = await readKeypointFile(FOX_KEYPOINTS)
    const asset = await readGltfAsset(loaded.assetPath)
    const category = assetCategory(asset, loaded.file, 'fox', loaded.path)
    let visible = 0
    let hiddenInFrame = 0
    for (const [split, count] of Object.entries(result.images) as ['trn' | 'val' | 'test', number][]) {
      for (let index = 0; index < count; index++) {
        const stem = imageStem(ASSET_STEM_YEAR, split, index)
        const ann = JSON.parse(readFileSync(join(result.root, 'ImageAnnotation', 'fox', `${stem}.json`), 'utf8')) as ImageJson
        const mask = PNG.sync.read(readFileSync(join(result.root, 'Segmentation', 'fox', `${stem}.png`)))
        const { facts, model, scene, rendered } = sampleImage(category, [SEED, 'fox', split, index])
        // The files are what the sampler draws for that key.
        expect(ann.kps).toEqual(Object.fromEntries(Array.from({ length: 30 }, (_, id) => [String(id), facts.keypoints[id] ?? null])))
        const points = Float32Array.from(model.keypoints.flatMap((k) => [...k.position]))
        const projected = projectPoints(points, scene.camera, scene.width, scene.height)
        const tolerance = model.keypoints[0]!.tolerance
        for (let id = 0; id < 15; id++) {
          const [x, y, z] = [projected[3 * id]!, projected[3 * id + 1]!, projected[3 * id + 2]!]
          const inFrame = x >= 0 && y >= 0 && x < ann.image_width && y < ann.image_height
          // Pixels within reach whose nearest surface is the fox at the vertex's depth.
          let surface = 0
          let onMask = 0
          for (let dy = -VERTEX_REACH; dy <= VERTEX_REACH; dy++) {
            for (let dx = -VERTEX_REACH; dx <= VERTEX_REACH; dx++) {
              const [qx, qy] = [Math.floor(x) + dx, Math.floor(y) + dy]
              if (!inFrame || qx < 0 || qy < 0 || qx >= ann.image_width || qy >= ann.image_height) continue
              const p = qy * ann.image_width + qx
              const f = rendered.buffers.faceId[p]!
              if (f >= 0 && f < rendered.objectFaceCount && Math.abs(rendered.buffers.depth[p]! - z) <= tolerance) surface++
              if (mask.data[4 * p] === 255) onMask++
            }
          }
          const point = ann.kps[String(id)]
          if (point) {
            visible++
            expect(point).toEqual([Math.floor(x), Math.floor(y)])
            expect(point[0]).toBeGreaterThanOrEqual(0)
            expect(point[1]).toBeLessThan(ann.image_height)
            expect(surface, `${stem} keypoint ${id}`).toBeGreaterThan(0)
            expect(onMask, `${stem} keypoint ${id} on the mask`).toBeGreaterThan(0)
          } else if (inFrame) {
            hiddenInFrame++
            // Hidden: no surface of the fox at its depth around it (self-occlusion), or an occluder in front.
            const p = Math.floor(y) * ann.image_width + Math.floor(x)
            const occluded = rendered.buffers.faceId[p]! >= rendered.objectFaceCount && rendered.buffers.depth[p]! < z - tolerance
            expect(surface === 0 || occluded, `${stem} keypoint ${id}`).toBe(true)
          }
        }
      }
    }
    // Both outcomes occur: the fox hides its own far-side paws and eyes.
    expect(visible).toBeGreaterThan(IMAGES * 5)
    expect(hiddenInFrame).toBeGreaterThan(IMAGES)
    expect(VERTEX_DEPTH_TOLERANCE).toBeLessThan(0.1)
  })

  it('is deterministic for a seed and changes with it; a taken name is refused', async () => {
    const again = await runCli('datasets', 'make', '--example', 'fox', '--name', 'fox-again', '--images', String(IMAGES), '--seed', String(SEED), '--data-dir', dataDir)
    expect(again.code, again.stderr).toBe(0)
    const other = await runCli('datasets', 'make', '--example', 'fox', '--name', 'fox-other', '--images', String(IMAGES), '--seed', '4', '--data-dir', dataDir)
    expect(other.code, other.stderr).toBe(0)
    const a = treeHashes(result.root)
    const b = treeHashes(join(dataDir, 'made', 'fox-again'))
    expect([...a].filter(([k, v]) => b.get(k) !== v).map(([k]) => k)).toEqual([])
    expect(b.size).toBe(a.size)
    const c = treeHashes(join(dataDir, 'made', 'fox-other'))
    const images = (m: Map<string, string>): string[] => [...m.keys()].filter((k) => k.startsWith('JPEGImages/')).sort()
    expect(images(c)).toEqual(images(a))
    expect(c.get('JPEGImages/fox/2020_100000.jpg')).not.toBe(a.get('JPEGImages/fox/2020_100000.jpg'))
    const taken = await runCli('datasets', 'make', '--example', 'fox', '--name', 'fox', '--images', '6', '--data-dir', dataDir)
    expect(taken.code).toBe(1)
    expect(taken.stderr).toMatch(/data set "fox" already exists/)
  }, 120_000)

  it('reports usage mistakes and bad keypoint files plainly', async () => {
    const both = await runCli('datasets', 'make', '--example', 'fox', '--keypoints', FOX_KEYPOINTS, '--name', 'x', '--data-dir', dataDir)
    expect(both.code).toBe(2)
    expect(both.stderr).toMatch(/either example or keypoints/)
    const few = await runCli('datasets', 'make', '--example', 'fox', '--name', 'x', '--images', '3', '--data-dir', dataDir)
    expect(few.code).toBe(2)
    expect(few.stderr).toMatch(/--images/)
    const missing = await runCli('datasets', 'make', '--keypoints', join(dataDir, 'nope.json'), '--name', 'x', '--data-dir', dataDir)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/nope\.json: cannot read the keypoint file \(ENOENT\)/)
  })
})
