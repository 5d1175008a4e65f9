import { copyFileSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { call, copyFixture, importTree, openCore, scratch } from '../datasets/helpers'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32)
}

const FOLDERS = ['ImageAnnotation/cat', 'ImageAnnotation/bicycle', 'PairAnnotation/test', 'PairAnnotation/trn', 'JPEGImages/cat', 'Segmentation/bicycle']
const EXT: Record<string, string> = { ImageAnnotation: '.json', PairAnnotation: '.json', JPEGImages: '.jpg', Segmentation: '.png' }

/** A file name of random bytes that is certainly not UTF-8 (a lone continuation byte or 0xff), with the folder's extension. */
function badName(r: () => number, ext: string): Buffer {
  const bytes = Array.from({ length: 1 + Math.floor(r() * 8) }, () => 0x41 + Math.floor(r() * 26))
  bytes.splice(Math.floor(r() * bytes.length), 0, r() < 0.5 ? 0xff : 0x80 + Math.floor(r() * 0x40))
  return Buffer.concat([Buffer.from(bytes), Buffer.from(ext)])
}

describe('SPair trees with entries the importer must not follow (seeded)', () => {
  it('skips non-UTF-8 names, links out of the root and dangling links, each with a warning naming it; follows links that stay inside', async () => {
    const core = openCore()
    const clean = await importTree(core, copyFixture(), 'clean')

    const root = copyFixture()
    const outside = join(scratch(), 'outside')
    mkdirSync(outside)
    // Valid files outside the root: were a link followed, they would be indexed.
    const stray = JSON.parse(readFileSync(join(root, 'ImageAnnotation/cat/2008_000001.json'), 'utf8')) as Record<string, unknown>
    writeFileSync(join(outside, 'annotation.json'), JSON.stringify({ ...stray, filename: '2099_000001.jpg' }))
    copyFileSync(join(root, 'JPEGImages/cat/2008_000001.jpg'), join(outside, 'image.jpg'))

    const r = rng(81)
    const expected: { rel: string; why: RegExp }[] = []
    const CASES = 60
    for (let i = 0; i < CASES; i++) {
      const folder = FOLDERS[Math.floor(r() * FOLDERS.length)]!
      const ext = EXT[folder.split('/')[0]!]!
      const kind = Math.floor(r() * 3)
      if (kind === 0) {
        const name = badName(r, ext)
        writeFileSync(Buffer.concat([Buffer.from(`${root}/${folder}/`), name]), '{}')
        expected.push({ rel: `${folder}/${name.toString('utf8')}`, why: /file name is not valid UTF-8 \(bytes [0-9a-f]+\); skipped/ })
      } else if (kind === 1) {
        const rel = `${folder}/out-${i}${ext}`
        symlinkSync(join(outside, ext === '.json' ? 'annotation.json' : 'image.jpg'), join(root, rel))
        expected.push({ rel, why: /is a symbolic link to .*\/outside\/(annotation.json|image.jpg), outside the data set root; skipped/ })
      } else {
        const rel = `${folder}/dangling-${i}${ext}`
        symlinkSync(join(root, 'nowhere', `${i}${ext}`), join(root, rel))
        expected.push({ rel, why: /is a symbolic link that cannot be followed \(ENOENT\); skipped/ })
      }
    }
    // A link that stays inside the root is an ordinary file, and a whole top folder linked out is not read.
    mkdirSync(join(root, 'store'))
    renameSync(join(root, 'JPEGImages/cat/2008_000001.jpg'), join(root, 'store/2008_000001.jpg'))
    symlinkSync(join(root, 'store/2008_000001.jpg'), join(root, 'JPEGImages/cat/2008_000001.jpg'))
    renameSync(join(root, 'Layout'), join(outside, 'Layout'))
    symlinkSync(join(outside, 'Layout'), join(root, 'Layout'))
    expected.push({ rel: 'Layout', why: /is a symbolic link to .*outside\/Layout, outside the data set root; not read/ })

    const result = await importTree(core, root, 'entries')
    const warnings = (await call(core, 'datasets.warnings', { name: 'entries', limit: 1000 })).items
    for (const { rel, why } of expected) {
      const w = warnings.find((x) => x.file === rel)
      expect(w, `no warning for ${rel}`).toBeDefined()
      expect(w!.message).toMatch(why)
    }
    // Nothing else was warned about, and everything inside was imported as before (layouts aside).
    expect(warnings.length).toBe(expected.length)
    expect(result.status).toBe('imported')
    const counts = (s: typeof clean.summary): unknown => ({ images: s.images, keypoints: s.keypoints, pairs: s.pairs, categories: s.categories, skipped: s.skipped })
    expect(counts(result.summary)).toEqual(counts(clean.summary))
    await expect(call(core, 'datasets.image', { name: 'entries', category: 'cat', stem: '2099_000001' })).rejects.toThrow(/NOT_FOUND/)
    process.stdout.write(`fuzz: ${CASES} generated tree entries (non-UTF-8 names, links out, dangling links) in one import\n`)
  })
})
