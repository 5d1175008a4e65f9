import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { SPAIR_SPLITS } from '../../../shared/ipc/channels/datasets'
import { pairNameOf } from '../spair/pair-name'
import type { Split } from '../spair/types'
import type { CategoryDefinition } from './categories/category'
import { createJpegEncoder } from './jpeg-encoder'
import { encodeMaskPng } from './mask-png'
import { PAIRS_PER_IMAGE, SMALL_LAYOUT_EVERY, selectPairs, sharedKeypoints } from './pairs'
import { Rng } from './random'
import { manifest, readmeText } from './readme'
import type { GeneratedCategory, GenerationRecord } from './readme'
import { sampleImage } from './sample-image'
import { DEMO_PROVENANCE, imageAnnotation, imageStem, pairAnnotation } from './spair-records'
import type { PairSide, Provenance } from './spair-records'

/** One category of a tree: what draws its instances, and the year its image names carry. */
export interface TreeCategory {
  definition: CategoryDefinition
  year: number
  /** Left/right twins by keypoint name, recorded in the manifest. */
  mirror?: Readonly<Record<string, string>>
}

export interface WriteTreeOptions {
  /** Folder to create; it must not exist or be empty. */
  out: string
  categories: readonly TreeCategory[]
  seed: number
  counts: Record<Split, number>
  /** How the README and the manifest describe the generation. */
  record: Pick<GenerationRecord, 'options' | 'about' | 'facts'>
  provenance?: Provenance
  /** Counts written images, then one step per split for its pair files. */
  onProgress?: (done: number, total: number) => void
  signal?: AbortSignal
}

export interface SyntheticSummary {
  root: string
  categories: Record<string, { images: Record<Split, number>; pairs: Record<Split, number> }>
  keypointNames: Record<string, string[]>
}

const WRITE_BATCH = 64

interface PlannedPair {
  category: string
  src: PairSide
  trg: PairSide
  ids: number[]
  small: boolean
}

/**
 * Writes a complete SPair-71k-style tree (see README in the output) of images sampled from
 * each category's definition. The tree is built in a sibling temp folder and renamed into
 * place at the end, so a failed or cancelled run leaves nothing half-written at `out`.
 * Cancellation is checked between images.
 */
export async function writeSyntheticTree(options: WriteTreeOptions): Promise<SyntheticSummary> {
  const { seed, counts, categories } = options
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`)
  for (const split of SPAIR_SPLITS) {
    const n = counts[split]
    if (!Number.isInteger(n) || n < 0 || n > 99999) throw new RangeError(`${split} image count must be an integer in 0..99999, got ${n}`)
  }
  if (categories.length === 0) throw new RangeError('no category to generate')
  const provenance = options.provenance ?? DEMO_PROVENANCE
  const root = resolve(options.out)
  await assertEmptyOrAbsent(root)

  const total = categories.length * (counts.trn + counts.val + counts.test) + SPAIR_SPLITS.length
  let done = 0
  const tick = (): void => {
    done++
    options.onProgress?.(done, total)
  }
  await mkdir(dirname(root), { recursive: true })
  const tmp = await mkdtemp(join(dirname(root), `.${basename(root)}.partial-`))
  const generated: GeneratedCategory[] = []
  const encodeJpeg = createJpegEncoder()
  try {
    const pairs: Record<Split, PlannedPair[]> = { trn: [], val: [], test: [] }
    for (const { definition: category, year, mirror } of categories) {
      for (const dir of ['JPEGImages', 'Segmentation', 'ImageAnnotation']) await mkdir(join(tmp, dir, category.name), { recursive: true })
      const pairCounts: Record<Split, number> = { trn: 0, val: 0, test: 0 }
      for (const split of SPAIR_SPLITS) {
        const sides: PairSide[] = []
        for (let index = 0; index < counts[split]; index++) {
          options.signal?.throwIfAborted()
          const stem = imageStem(year, split, index)
          const { facts, rendered } = sampleImage(category, [seed, category.name, split, index])
          const { width, height } = rendered
          await writeAll([
            [join(tmp, 'JPEGImages', category.name, `${stem}.jpg`), encodeJpeg(rendered.rgba, width, height)],
            [join(tmp, 'Segmentation', category.name, `${stem}.png`), encodeMaskPng(rendered.mask, width, height)],
            [join(tmp, 'ImageAnnotation', category.name, `${stem}.json`), JSON.stringify(imageAnnotation(stem, category.name, facts, provenance))],
          ])
          tick()
          sides.push({ stem, facts })
        }
        const planned = planPairs(new Rng(seed, category.name, split, 'pairs'), category.name, sides, PAIRS_PER_IMAGE[split] * sides.length)
        pairs[split].push(...planned)
        pairCounts[split] = planned.length
      }
      generated.push({ name: category.name, year, keypointNames: category.keypointNames, images: { ...counts }, pairs: pairCounts, ...(mirror ? { mirror } : {}) })
    }
    for (const split of SPAIR_SPLITS) {
      options.signal?.throwIfAborted()
      await writePairs(tmp, split, pairs[split])
      tick()
    }
    const record: GenerationRecord = { ...options.record, seed, imagesPerCategory: counts, categories: generated }
    await writeFile(join(tmp, 'README'), readmeText(record, provenance))
    await writeFile(join(tmp, 'semagic-synthetic.json'), `${JSON.stringify(manifest(record, provenance), null, 2)}\n`)
    await moveIntoPlace(tmp, root)
  } catch (error) {
    await rm(tmp, { recursive: true, force: true })
    throw error
  }
  return {
    root,
    categories: Object.fromEntries(generated.map((c) => [c.name, { images: c.images, pairs: c.pairs }])),
    keypointNames: Object.fromEntries(generated.map((c) => [c.name, [...c.keypointNames]])),
  }
}

async function assertEmptyOrAbsent(root: string): Promise<void> {
  const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null
    throw error
  })
  if (info === null) return
  if (!info.isDirectory() || (await readdir(root)).length > 0) throw new Error(`${root} exists and is not an empty folder`)
}

async function moveIntoPlace(tmp: string, root: string): Promise<void> {
  await assertEmptyOrAbsent(root)
  await rmdir(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error
  })
  await rename(tmp, root)
}

/** Selected image pairs, each as A -> B then B -> A; every SMALL_LAYOUT_EVERY-th also in Layout/small. */
function planPairs(rng: Rng, category: string, sides: readonly PairSide[], count: number): PlannedPair[] {
  const selected = selectPairs(rng, sides.map((s) => s.facts), count)
  return selected.flatMap(([i, j], k) => {
    const a = sides[i]!
    const b = sides[j]!
    const ids = sharedKeypoints(a.facts, b.facts)
    const small = k % SMALL_LAYOUT_EVERY === 0
    return [
      { category, src: a, trg: b, ids, small },
      { category, src: b, trg: a, ids, small },
    ]
  })
}

async function writePairs(tmp: string, split: Split, planned: readonly PlannedPair[]): Promise<void> {
  const dir = join(tmp, 'PairAnnotation', split)
  await mkdir(dir, { recursive: true })
  await mkdir(join(tmp, 'Layout', 'large'), { recursive: true })
  await mkdir(join(tmp, 'Layout', 'small'), { recursive: true })
  const large: string[] = []
  const small: string[] = []
  // pair_id restarts at 1 in every split and runs on across categories.
  const files = planned.map((p, k): [string, string] => {
    const pairId = k + 1
    const name = pairNameOf(pairId, p.src.stem, p.trg.stem, p.category)
    large.push(name)
    if (p.small) small.push(name)
    return [join(dir, `${name}.json`), JSON.stringify(pairAnnotation(pairId, p.category, p.src, p.trg, p.ids))]
  })
  // In batches: thousands of simultaneous opens would run into the file-descriptor limit.
  for (let i = 0; i < files.length; i += WRITE_BATCH) await writeAll(files.slice(i, i + WRITE_BATCH))
  await writeFile(join(tmp, 'Layout', 'large', `${split}.txt`), layoutText(large))
  await writeFile(join(tmp, 'Layout', 'small', `${split}.txt`), layoutText(small))
}

/**
 * Writes files concurrently and waits for every one, failed or not, before throwing, so that
 * no write is still running when the temp folder is removed.
 */
async function writeAll(files: readonly (readonly [string, string | Buffer])[]): Promise<void> {
  const results = await Promise.allSettled(files.map(([path, data]) => writeFile(path, data)))
  for (const r of results) if (r.status === 'rejected') throw r.reason
}

/** One name per line and a trailing newline: SPair loaders drop the last line without one. */
function layoutText(names: readonly string[]): string {
  return names.map((n) => `${n}\n`).join('')
}
