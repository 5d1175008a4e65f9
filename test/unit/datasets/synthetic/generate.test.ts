import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decode } from 'jpeg-js'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { azimuthBin, maskBBox, poseOfBin } from '../../../../src/main/datasets/synthetic/annotate'
import { generateSynthetic } from '../../../../src/main/datasets/synthetic/generate'
import type { SyntheticSummary } from '../../../../src/main/datasets/synthetic/generate'
import { scaleVariation, sideFlag, viewpointVariation } from '../../../../src/main/datasets/synthetic/pairs'
import { tempDir } from '../../../helpers/temp-dir'

const IMAGE_KEYS = ['filename', 'src_database', 'src_annotation', 'src_image', 'image_width', 'image_height', 'image_depth', 'category', 'pose', 'truncated', 'occluded', 'difficult', 'bndbox', 'kps', 'azimuth_id']
const PAIR_KEYS = ['pair_id', 'filename', 'src_imname', 'trg_imname', 'src_imsize', 'trg_imsize', 'src_bndbox', 'trg_bndbox', 'src_pose', 'trg_pose', 'src_kps', 'trg_kps', 'kps_ids', 'category', 'mirror', 'viewpoint_variation', 'scale_variation', 'truncation', 'occlusion']
const SPLITS = ['trn', 'val', 'test'] as const

type Point = [number, number]
interface ImageJson {
  filename: string
  image_width: number
  image_height: number
  category: string
  pose: string
  truncated: number
  occluded: number
  bndbox: [number, number, number, number]
  kps: Record<string, Point | null>
  azimuth_id: number
}
interface PairJson {
  pair_id: number
  filename: string
  src_imname: string
  trg_imname: string
  src_imsize: number[]
  trg_imsize: number[]
  src_bndbox: number[]
  trg_bndbox: number[]
  src_pose: string
  trg_pose: string
  src_kps: Point[]
  trg_kps: Point[]
  kps_ids: string[]
  category: string
  mirror: number
  viewpoint_variation: number
  scale_variation: number
  truncation: number
  occlusion: number
}

const temp = tempDir('semagic-synthetic-')
const work = temp.path
afterAll(() => temp.remove())

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T

/** Relative path -> bytes of every file under `root`. */
async function snapshot(root: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    files.set(path.slice(root.length + 1), await readFile(path))
  }
  return files
}

describe('the written SPair-71k tree', () => {
  let root: string
  let summary: SyntheticSummary
  const images = new Map<string, ImageJson>()
  const progress: [number, number][] = []

  beforeAll(async () => {
    root = join(work, 'small')
    summary = await generateSynthetic({ out: root, size: 'small', seed: 11, onProgress: (done, total) => progress.push([done, total]) })
    for (const category of Object.keys(summary.categories)) {
      for (const file of await readdir(join(root, 'ImageAnnotation', category))) {
        images.set(`${category}/${file.replace(/\.json$/, '')}`, await readJson<ImageJson>(join(root, 'ImageAnnotation', category, file)))
      }
    }
  })

  it('reports what it wrote and progress up to the total', async () => {
    expect(summary.root).toBe(root)
    expect(Object.keys(summary.categories)).toEqual(['quadruped', 'bird', 'car'])
    expect(summary.categories.bird!.images).toEqual({ trn: 8, val: 3, test: 4 })
    expect(images.size).toBe(3 * 15)
    expect(progress.at(-1)).toEqual([48, 48])
    expect(progress.map((p) => p[0])).toEqual(Array.from({ length: 48 }, (_, i) => i + 1))
    expect((await readdir(root)).sort()).toEqual(['ImageAnnotation', 'JPEGImages', 'Layout', 'PairAnnotation', 'README', 'Segmentation', 'semagic-synthetic.json'])
    const readme = await readFile(join(root, 'README'), 'utf8')
    expect(readme).toContain('Seed: 11')
    expect(readme).toContain('255 = the object')
    for (const [name, keypoints] of Object.entries(summary.keypointNames)) expect(readme).toContain(`${name} (${keypoints.length}): 0 ${keypoints[0]}`)
  })

  it('writes image annotations that match the SPair schema, the JPEG and the mask', async () => {
    for (const [key, ann] of images) {
      const [category, stem] = key.split('/') as [string, string]
      expect(stem).toMatch(/^\d{4}_[123]\d{5}$/)
      expect(Object.keys(ann)).toEqual(IMAGE_KEYS)
      expect(ann.filename).toBe(`${stem}.jpg`)
      expect(ann.category).toBe(category)
      const jpeg = decode(await readFile(join(root, 'JPEGImages', category, `${stem}.jpg`)), { useTArray: true })
      expect([jpeg.width, jpeg.height]).toEqual([ann.image_width, ann.image_height])
      const png = PNG.sync.read(await readFile(join(root, 'Segmentation', category, `${stem}.png`)))
      expect([png.width, png.height]).toEqual([ann.image_width, ann.image_height])
      const mask = new Uint8Array(png.width * png.height)
      for (let p = 0; p < mask.length; p++) mask[p] = png.data[4 * p]!
      expect(new Set(mask)).toEqual(new Set([0, 255]))
      const [x1, y1, x2, y2] = ann.bndbox
      expect(ann.bndbox).toEqual(maskBBox(mask, png.width, png.height))
      expect(0 <= x1 && x1 <= x2 && x2 < ann.image_width && 0 <= y1 && y1 <= y2 && y2 < ann.image_height).toBe(true)
      expect(Object.keys(ann.kps)).toEqual(Array.from({ length: 30 }, (_, i) => String(i)))
      const count = summary.keypointNames[category]!.length
      for (const [id, k] of Object.entries(ann.kps)) {
        if (Number(id) >= count) expect(k).toBeNull()
        if (k === null) continue
        expect(k.every(Number.isInteger)).toBe(true)
        // A visible keypoint sits on a visible object pixel.
        expect(mask[k[1] * png.width + k[0]]).toBe(255)
      }
      expect(ann.azimuth_id).toBeGreaterThanOrEqual(0)
      expect(ann.azimuth_id).toBeLessThan(8)
      expect(ann.pose).toBe(poseOfBin(ann.azimuth_id))
    }
  })

  it('lists exactly the pair files in the Layout files, with trailing newlines', async () => {
    for (const split of SPLITS) {
      const large = await readFile(join(root, 'Layout', 'large', `${split}.txt`), 'utf8')
      const small = await readFile(join(root, 'Layout', 'small', `${split}.txt`), 'utf8')
      expect(large.endsWith('\n')).toBe(true)
      expect(small.endsWith('\n')).toBe(true)
      const names = large.split('\n').slice(0, -1)
      const files = (await readdir(join(root, 'PairAnnotation', split))).map((f) => f.replace(/\.json$/, ''))
      expect([...names].sort()).toEqual([...files].sort())
      expect(names.map((n) => Number(n.slice(0, 6)))).toEqual(names.map((_, i) => i + 1))
      const smallNames = small.split('\n').slice(0, -1)
      expect(smallNames.length).toBeGreaterThan(0)
      expect(smallNames.length).toBeLessThan(names.length)
      for (const n of smallNames) expect(names).toContain(n)
      const total = Object.values(summary.categories).reduce((sum, c) => sum + c.pairs[split], 0)
      expect(names).toHaveLength(total)
    }
  })

  it('writes pairs whose rows are the keypoints visible in both images, both directions, split-disjoint', async () => {
    const imagesBySplit = new Map<string, Set<string>>()
    for (const split of SPLITS) {
      const names = new Set((await readdir(join(root, 'PairAnnotation', split))).map((f) => f.replace(/\.json$/, '')))
      const used = new Set<string>()
      for (const name of names) {
        const pair = await readJson<PairJson>(join(root, 'PairAnnotation', split, `${name}.json`))
        expect(Object.keys(pair)).toEqual(PAIR_KEYS)
        const match = /^(\d{6})-(\d{4}_\d{6})-(\d{4}_\d{6}):(\w+)$/.exec(name)
        expect(match).not.toBeNull()
        const [, id, srcStem, trgStem, category] = match!
        expect([pair.pair_id, pair.filename, pair.category, pair.src_imname, pair.trg_imname]).toEqual([Number(id), name, category, `${srcStem}.jpg`, `${trgStem}.jpg`])
        expect(names.has(name.replace(`${srcStem}-${trgStem}`, `${trgStem}-${srcStem}`).replace(/^\d{6}/, String(Number(id) + (Number(id) % 2 === 1 ? 1 : -1)).padStart(6, '0')))).toBe(true)
        const src = images.get(`${category}/${srcStem}`)!
        const trg = images.get(`${category}/${trgStem}`)!
        expect(pair.src_imsize).toEqual([src.image_width, src.image_height, 3])
        expect(pair.trg_imsize).toEqual([trg.image_width, trg.image_height, 3])
        expect([pair.src_bndbox, pair.trg_bndbox, pair.src_pose, pair.trg_pose]).toEqual([src.bndbox, trg.bndbox, src.pose, trg.pose])
        const shared = Object.keys(src.kps).filter((k) => src.kps[k] !== null && trg.kps[k] !== null)
        expect(pair.kps_ids).toEqual(shared)
        expect(pair.kps_ids.length).toBeGreaterThan(0)
        expect(pair.src_kps).toEqual(shared.map((k) => src.kps[k]))
        expect(pair.trg_kps).toEqual(shared.map((k) => trg.kps[k]))
        expect(pair.mirror).toBe(0)
        expect(pair.viewpoint_variation).toBe(viewpointVariation(src.azimuth_id, trg.azimuth_id))
        expect(pair.scale_variation).toBe(scaleVariation(src.bndbox, trg.bndbox))
        expect(pair.truncation).toBe(sideFlag(src.truncated === 1, trg.truncated === 1))
        expect(pair.occlusion).toBe(sideFlag(src.occluded === 1, trg.occluded === 1))
        used.add(srcStem!).add(trgStem!)
      }
      imagesBySplit.set(split, used)
      for (const stem of used) expect(stem[5]).toBe(String(SPLITS.indexOf(split) + 1))
    }
    const [trn, val, test] = SPLITS.map((s) => imagesBySplit.get(s)!)
    for (const stem of trn!) expect(val!.has(stem) || test!.has(stem)).toBe(false)
    for (const stem of val!) expect(test!.has(stem)).toBe(false)
  })

  it('records azimuth bins consistent with the README convention', () => {
    expect(azimuthBin(90)).toBe(2)
    const bins = new Set([...images.values()].map((a) => a.azimuth_id))
    expect(bins.size).toBeGreaterThanOrEqual(5)
  })
})

describe('generateSynthetic', () => {
  const tiny = { categories: ['bird', 'car'], trainImages: 2, valImages: 1, testImages: 2 }

  it('writes byte-identical trees for the same options and different ones for another seed', async () => {
    await generateSynthetic({ ...tiny, out: join(work, 'a'), seed: 5 })
    await generateSynthetic({ ...tiny, out: join(work, 'b'), seed: 5 })
    await generateSynthetic({ ...tiny, out: join(work, 'c'), seed: 6 })
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((d) => snapshot(join(work, d))))
    expect([...a!.keys()].sort()).toEqual([...b!.keys()].sort())
    for (const [path, bytes] of a!) expect(bytes.equals(b!.get(path)!), path).toBe(true)
    const jpegs = [...a!.keys()].filter((p) => p.endsWith('.jpg'))
    expect(jpegs.length).toBe(10)
    expect(jpegs.filter((p) => c!.get(p)?.equals(a!.get(p)!)).length).toBe(0)
  })

  it('draws each image from its own seed, so a larger val leaves trn, test and the first val images byte for byte', async () => {
    await generateSynthetic({ ...tiny, out: join(work, 'val1'), seed: 5 })
    await generateSynthetic({ ...tiny, valImages: 3, out: join(work, 'val3'), seed: 5 })
    const [small, large] = await Promise.all(['val1', 'val3'].map((d) => snapshot(join(work, d))))
    const images = (tree: Map<string, Buffer>): string[] => [...tree.keys()].filter((p) => /^(JPEGImages|ImageAnnotation|Segmentation)\//.test(p)).sort()
    // 2 more val images in each of 2 categories, 3 files each (JPEG, annotation, mask).
    expect(images(large!).length).toBe(images(small!).length + 2 * 2 * 3)
    for (const path of images(small!)) expect(large!.get(path)?.equals(small!.get(path)!), path).toBe(true)
    const testPairs = (tree: Map<string, Buffer>): string => tree.get(join('Layout', 'large', 'test.txt'))!.toString()
    expect(testPairs(large!)).toBe(testPairs(small!))
    expect(large!.get(join('Layout', 'large', 'val.txt'))!.length).toBeGreaterThan(small!.get(join('Layout', 'large', 'val.txt'))!.length)
  })

  it('leaves nothing behind when cancelled', async () => {
    const controller = new AbortController()
    const out = join(work, 'cancelled')
    const run = generateSynthetic({ ...tiny, out, onProgress: (done) => done === 2 && controller.abort(), signal: controller.signal })
    await expect(run).rejects.toThrow(/abort/i)
    expect((await readdir(work)).filter((f) => f.includes('cancelled'))).toEqual([])
  })

  it('refuses a non-empty output folder and bad options', async () => {
    const out = join(work, 'occupied')
    await mkdir(out)
    await writeFile(join(out, 'keep.txt'), 'mine')
    await expect(generateSynthetic({ ...tiny, out })).rejects.toThrow(/not an empty folder/)
    expect(await readFile(join(out, 'keep.txt'), 'utf8')).toBe('mine')
    await expect(generateSynthetic({ ...tiny, out: join(work, 'bad'), categories: ['unicorn'] })).rejects.toThrow(/unknown synthetic category/)
    await expect(generateSynthetic({ ...tiny, out: join(work, 'bad'), trainImages: -1 })).rejects.toThrow(RangeError)
  })

  it('fills an existing empty folder', async () => {
    const out = join(work, 'empty')
    await mkdir(out)
    const summary = await generateSynthetic({ out, categories: ['quadruped'], trainImages: 2, valImages: 0, testImages: 2 })
    expect(summary.categories.quadruped!.pairs.val).toBe(0)
    expect((await readdir(join(out, 'JPEGImages', 'quadruped'))).length).toBe(4)
    expect(await readFile(join(out, 'Layout', 'large', 'val.txt'), 'utf8')).toBe('')
  })
})
