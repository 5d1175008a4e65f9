import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/index'
import { copyFixture, FIXTURE, scratch } from './helpers'

function sink(): NodeJS.WritableStream & { text: string } {
  const s = { text: '', write: (chunk: string) => ((s.text += chunk), true) }
  return s as unknown as NodeJS.WritableStream & { text: string }
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink()
  const stderr = sink()
  const code = await main(argv, { stdout, stderr })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

describe('semagic datasets', () => {
  it('import --json prints exactly name, categories, pairs, keypoints and warnings; status goes to stderr', async () => {
    const dataDir = scratch()
    const first = await run('datasets', 'import', '--spair', FIXTURE, '--json', '--data-dir', dataDir)
    expect(first.code).toBe(0)
    const doc = JSON.parse(first.stdout) as Record<string, unknown>
    expect(doc).toEqual({
      name: 'SPair-71k',
      categories: {
        bicycle: { images: 3, pairs: { trn: 1, val: 1, test: 2 } },
        cat: { images: 3, pairs: { trn: 1, val: 1, test: 2 } },
      },
      pairs: { trn: 2, val: 2, test: 4 },
      keypoints: 31,
      warnings: [],
    })
    expect(first.stderr).toMatch(/SPair-71k: imported in/)

    const again = await run('datasets', 'import', '--spair', FIXTURE, '--json', '--data-dir', dataDir)
    expect([again.code, again.stdout]).toEqual([0, first.stdout])
    expect(again.stderr).toMatch(/SPair-71k: unchanged in/)

    const list = await run('datasets', 'list', '--data-dir', dataDir)
    expect(list.stdout).toMatch(/^SPair-71k\t6 images\t8 pairs\t0 warnings\t/)
  })

  it('exits 0 on an import with warnings and lists each warning with file, field and message', async () => {
    const root = copyFixture()
    rmSync(join(root, 'JPEGImages/bicycle/2011_000006.jpg'))
    const r = await run('datasets', 'import', '--spair', root, '--json', '--data-dir', scratch())
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as { warnings: unknown }).warnings).toEqual([
      { file: 'ImageAnnotation/bicycle/2011_000006.json', field: 'filename', message: 'image file JPEGImages/bicycle/2011_000006.jpg is missing' },
    ])
  })

  it('prints a readable summary without --json and takes --name', async () => {
    const r = await run('datasets', 'import', '--spair', FIXTURE, '--name', 'tiny', '--data-dir', scratch())
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(
      'tiny: 6 images in 2 categories, 8 pairs (trn 2, val 2, test 4), 31 annotated keypoints\n' +
        'skipped 0 image and 0 pair files; 0 warnings\n',
    )
  })

  it('fails with one clear line and exit code 1 on a folder that is not an SPair tree', async () => {
    const r = await run('datasets', 'import', '--spair', scratch(), '--json', '--data-dir', scratch())
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^semagic datasets: .* is not an SPair-71k tree: it has no ImageAnnotation\/ or PairAnnotation\/ folder\n$/)
  })

  it('exits 2 on usage mistakes', async () => {
    expect((await run('datasets', 'import', '--data-dir', scratch())).code).toBe(2)
    expect((await run('datasets', 'export', '--data-dir', scratch())).code).toBe(2)
    expect((await run('datasets', 'import', '--spair', FIXTURE, '--bogus')).code).toBe(2)
  })
})
