import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Test pairs in the `manypairs` tree: an SPair split's size, for the Transfer view's pair list. */
export const MANY_PAIRS = 3000

/**
 * An SPair-layout tree whose test split has `count` pairs, renamed copies of the fixture's test
 * pairs over the fixture's own images, so that scoring them costs a few feature maps.
 */
export function makeManyPairs(fixtureRoot: string, out: string, count: number): string {
  const root = join(out, 'SPair-many-pairs')
  for (const dir of ['ImageAnnotation', 'JPEGImages', 'Segmentation']) cpSync(join(fixtureRoot, dir), join(root, dir), { recursive: true })
  const from = join(fixtureRoot, 'PairAnnotation', 'test')
  const templates = readdirSync(from)
    .sort()
    .map((f) => JSON.parse(readFileSync(join(from, f), 'utf8')) as Record<string, unknown>)
  const dir = join(root, 'PairAnnotation', 'test')
  mkdirSync(dir, { recursive: true })
  for (let i = 0; i < count; i++) {
    const pair = { ...templates[i % templates.length]! }
    const [, src, trg] = /^\d+-(.+)-(.+):(.+)$/.exec(String(pair.filename))!
    pair.pair_id = i + 1
    pair.filename = `${String(i + 1).padStart(6, '0')}-${src}-${trg}:${String(pair.category)}`
    writeFileSync(join(dir, `${pair.filename}.json`), JSON.stringify(pair))
  }
  return root
}
