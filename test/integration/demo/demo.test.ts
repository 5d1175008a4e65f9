import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/index'
import { openCore, scratch } from '../datasets/helpers'

process.env.SEMAGIC_DEMO_SIZE = 'small'

function sink(): NodeJS.WritableStream & { text: string } {
  const s = { text: '', write: (chunk: string) => ((s.text += chunk), true) }
  return s as unknown as NodeJS.WritableStream & { text: string }
}

describe('the built-in demo data set', () => {
  it('is generated and imported on first use by any command given --dataset demo, once', async () => {
    const dataDir = scratch()
    const err = sink()
    const out = sink()
    const code = await main(['eval', '--dataset', 'demo', '--method', 'nn-handmade', '--alpha', '0.1', '--data-dir', dataDir], { stdout: out, stderr: err })
    expect(code, err.text).toBe(0)
    expect(err.text).toContain('preparing the built-in demo data set')
    expect(out.text).toMatch(/nn-handmade/)
    expect(existsSync(join(dataDir, 'demo', 'SPair-synthetic', 'README'))).toBe(true)

    const core = openCore(dataDir)
    const summary = core.services.datasets.get('demo')
    // SIZE_PRESETS.small: 8 trn + 3 val + 4 test images for each of the three categories.
    expect(summary.images).toBe(45)
    expect(Object.keys(summary.categories).sort()).toEqual(['bird', 'car', 'quadruped'])
    expect(summary.pairs.test).toBeGreaterThan(0)
    expect(summary.warningCount).toBe(0)
    expect(core.services.demo.startEnsure()).toBeNull() // already there: nothing to do
  })

  it('replaces a leftover folder without a README (an interrupted generation) instead of importing it', async () => {
    const core = openCore()
    mkdirSync(core.services.demo.root, { recursive: true })
    writeFileSync(join(core.services.demo.root, 'junk.txt'), 'half')
    await core.services.demo.ensure()
    expect(existsSync(join(core.services.demo.root, 'junk.txt'))).toBe(false)
    expect(core.services.datasets.get('demo').images).toBe(45)
  })
})
