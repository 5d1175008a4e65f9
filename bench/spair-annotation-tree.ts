import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A full-size SPair-71k annotation tree (ImageAnnotation, PairAnnotation, Layout; no JPEGs,
 * no masks) with the real per-category image and pair counts, keypoint slots and JSON shape
 * (Python `json.dump(indent=4)` style, the larger of the plausible encodings), for timing
 * the indexer. Deterministic for a given seed.
 */
interface CategorySpec {
  name: string
  slots: number
  /** Ids never annotated in the release (bicycle 11, 12; bus 8, 9). */
  unused: number[]
  pairs: [number, number, number]
  images: [number, number, number]
}

// SPAIR.md §3 (counts from the Layout files, slots from GeoAware-SC's tables).
const SPEC: CategorySpec[] = [
  ['aeroplane', 25, [], [2924, 304, 690], [55, 18, 27]],
  ['bicycle', 14, [11, 12], [2946, 334, 650], [55, 19, 26]],
  ['bird', 17, [], [3080, 272, 702], [56, 17, 27]],
  ['boat', 14, [], [2936, 302, 702], [55, 18, 27]],
  ['bottle', 10, [], [2448, 374, 870], [50, 20, 30]],
  ['bus', 30, [8, 9], [2708, 250, 644], [56, 17, 27]],
  ['car', 30, [], [2960, 274, 564], [57, 18, 25]],
  ['cat', 15, [], [3306, 272, 600], [58, 17, 25]],
  ['chair', 14, [], [3060, 306, 646], [56, 18, 26]],
  ['cow', 21, [], [3118, 272, 640], [57, 17, 26]],
  ['dog', 16, [], [3192, 306, 600], [57, 18, 25]],
  ['horse', 20, [], [3136, 306, 600], [57, 18, 25]],
  ['motorbike', 13, [], [3180, 238, 702], [57, 16, 27]],
  ['person', 20, [], [3066, 306, 650], [56, 18, 26]],
  ['pottedplant', 9, [], [2446, 380, 862], [50, 20, 30]],
  ['sheep', 21, [], [3140, 240, 664], [57, 16, 27]],
  ['train', 18, [], [2752, 342, 756], [53, 19, 28]],
  ['tvmonitor', 16, [], [2942, 306, 692], [55, 18, 27]],
].map(([name, slots, unused, pairs, images]) => ({ name, slots, unused, pairs, images }) as CategorySpec)

const SPLITS = ['trn', 'val', 'test'] as const
const SMALL = { trn: 10_652, val: 1_070, test: 2_438 }
const POSES = ['Frontal', 'Left', 'Rear', 'Right', 'Unspecified']

function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface GenImage {
  stem: string
  w: number
  h: number
  bbox: [number, number, number, number]
  pose: string
  kps: Record<string, [number, number] | null>
}

export interface GeneratedTree {
  images: number
  pairs: { trn: number; val: number; test: number }
  files: number
  bytes: number
}

export function writeSpairAnnotationTree(root: string, seed = 71): GeneratedTree {
  const rand = prng(seed)
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1))
  let bytes = 0
  const write = (path: string, text: string): void => {
    writeFileSync(path, text)
    bytes += text.length
  }
  let stemCounter = 0
  const pairCounts = { trn: 0, val: 0, test: 0 }
  const layouts: Record<string, string[]> = { trn: [], val: [], test: [] }
  const nextId: Record<string, number> = { trn: 0, val: 0, test: 0 }
  const pairsOf: Record<string, { name: string; body: string }[]> = { trn: [], val: [], test: [] }
  let imageCount = 0

  for (const spec of SPEC) {
    const annDir = join(root, 'ImageAnnotation', spec.name)
    mkdirSync(annDir, { recursive: true })
    for (const [s, split] of SPLITS.entries()) {
      const images: GenImage[] = []
      for (let i = 0; i < (spec.images[s] as number); i++) {
        const stem = `${2007 + (stemCounter % 5)}_${String(100_000 + stemCounter++).padStart(6, '0')}`
        const w = int(300, 500)
        const h = int(240, 500)
        const x1 = int(0, w / 4)
        const y1 = int(0, h / 4)
        const bbox: [number, number, number, number] = [x1, y1, int(x1 + w / 3, w - 1), int(y1 + h / 3, h - 1)]
        const kps: Record<string, [number, number] | null> = {}
        for (let k = 0; k < 30; k++) {
          const used = k < spec.slots && !spec.unused.includes(k) && rand() < 0.65
          kps[String(k)] = used ? [int(bbox[0], bbox[2]), int(bbox[1], bbox[3])] : null
        }
        const pose = POSES[int(0, 4)] as string
        images.push({ stem, w, h, bbox, pose, kps })
        const json = {
          filename: `${stem}.jpg`,
          src_database: 'The VOC2012 Database',
          src_annotation: 'PASCAL VOC2012',
          src_image: 'flickr',
          image_width: w,
          image_height: h,
          image_depth: 3,
          category: spec.name,
          pose,
          truncated: int(0, 1),
          occluded: int(0, 1),
          difficult: 0,
          bndbox: bbox,
          kps,
          azimuth_id: int(0, 7),
        }
        write(join(annDir, `${stem}.json`), JSON.stringify(json, null, 4))
        imageCount++
      }
      // Both directions of distinct unordered pairs until the split's count is reached.
      const unordered: [number, number][] = []
      for (let a = 0; a < images.length; a++) for (let b = a + 1; b < images.length; b++) unordered.push([a, b])
      for (let i = unordered.length - 1; i > 0; i--) {
        const j = int(0, i)
        ;[unordered[i], unordered[j]] = [unordered[j] as [number, number], unordered[i] as [number, number]]
      }
      const want = spec.pairs[s] as number
      const ordered: [number, number][] = []
      for (const [a, b] of unordered) {
        if (ordered.length >= want) break
        ordered.push([a, b])
        if (ordered.length < want) ordered.push([b, a])
      }
      for (const [a, b] of ordered) {
        const src = images[a] as GenImage
        const trg = images[b] as GenImage
        nextId[split] = (nextId[split] as number) + 1 + (rand() < 0.05 ? int(1, 3) : 0)
        const pairId = nextId[split] as number
        const name = `${String(pairId).padStart(6, '0')}-${src.stem}-${trg.stem}:${spec.name}`
        const ids = Object.keys(src.kps).filter((k) => src.kps[k] && trg.kps[k])
        const json = {
          pair_id: pairId,
          src_imname: `${src.stem}.jpg`,
          trg_imname: `${trg.stem}.jpg`,
          src_imsize: [src.w, src.h, 3],
          trg_imsize: [trg.w, trg.h, 3],
          src_bndbox: src.bbox,
          trg_bndbox: trg.bbox,
          category: spec.name,
          src_pose: src.pose,
          trg_pose: trg.pose,
          src_kps: ids.map((k) => src.kps[k]),
          trg_kps: ids.map((k) => trg.kps[k]),
          kps_ids: ids,
          mirror: split === 'test' ? 0 : int(0, 1),
          viewpoint_variation: int(0, 2),
          scale_variation: int(0, 2),
          truncation: int(0, 3),
          occlusion: int(0, 3),
          filename: name,
        }
        pairsOf[split]?.push({ name, body: JSON.stringify(json, null, 4) })
        pairCounts[split]++
      }
    }
  }
  for (const split of SPLITS) {
    const dir = join(root, 'PairAnnotation', split)
    mkdirSync(dir, { recursive: true })
    for (const p of pairsOf[split] ?? []) write(join(dir, `${p.name}.json`), p.body)
    layouts[split] = (pairsOf[split] ?? []).map((p) => p.name)
  }
  for (const size of ['large', 'small'] as const) {
    const dir = join(root, 'Layout', size)
    mkdirSync(dir, { recursive: true })
    for (const split of SPLITS) {
      const names = layouts[split] ?? []
      const chosen = size === 'large' ? names : names.filter((_, i) => i % Math.round(names.length / SMALL[split]) === 0).slice(0, SMALL[split])
      write(join(dir, `${split}.txt`), `${chosen.join('\n')}\n`)
    }
  }
  const pairs = pairCounts.trn + pairCounts.val + pairCounts.test
  return { images: imageCount, pairs: pairCounts, files: imageCount + pairs + 6, bytes }
}
