import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Images in the `many` data set: the size the grid must stay smooth at. */
export const MANY_IMAGES = 2000

/**
 * An SPair-layout tree of `count` images made from the fixture's images (renamed copies, each
 * with its own annotation JSON), for checking that the views stay smooth on a real-sized list
 * without shipping thousands of files. Images only: no pairs are needed for the grid.
 */
export function makeManyImages(fixtureRoot: string, out: string, count: number): string {
  const root = join(out, 'SPair-many')
  const sources: { category: string; stem: string }[] = []
  for (const category of readdirSync(join(fixtureRoot, 'ImageAnnotation'))) {
    for (const f of readdirSync(join(fixtureRoot, 'ImageAnnotation', category))) sources.push({ category, stem: f.replace(/\.json$/, '') })
  }
  sources.sort((a, b) => (a.category + a.stem < b.category + b.stem ? -1 : 1))
  for (const dir of ['ImageAnnotation', 'JPEGImages', 'Segmentation']) {
    for (const s of new Set(sources.map((x) => x.category))) mkdirSync(join(root, dir, s), { recursive: true })
  }
  mkdirSync(join(root, 'PairAnnotation', 'test'), { recursive: true })
  for (let i = 0; i < count; i++) {
    const src = sources[i % sources.length]!
    const stem = `many_${String(i).padStart(6, '0')}`
    const ann = JSON.parse(readFileSync(join(fixtureRoot, 'ImageAnnotation', src.category, `${src.stem}.json`), 'utf8')) as Record<string, unknown>
    ann.filename = `${stem}.jpg`
    writeFileSync(join(root, 'ImageAnnotation', src.category, `${stem}.json`), JSON.stringify(ann))
    copyFileSync(join(fixtureRoot, 'JPEGImages', src.category, `${src.stem}.jpg`), join(root, 'JPEGImages', src.category, `${stem}.jpg`))
    copyFileSync(join(fixtureRoot, 'Segmentation', src.category, `${src.stem}.png`), join(root, 'Segmentation', src.category, `${stem}.png`))
  }
  return root
}
