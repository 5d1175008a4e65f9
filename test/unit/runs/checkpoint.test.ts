import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { latestCheckpoint, readCheckpoint, writeCheckpoint } from '../../../src/main/runs/checkpoint'
import { tempDir } from '../../helpers/temp-dir'

const dirs: { remove(): void }[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))
function run(): string {
  const d = tempDir('semagic-ckpt-')
  dirs.push(d)
  return d.path
}

const data = (step: number) => ({
  step,
  state: { rng: [1, 2, 3, 4], losses: { total: 0.5 } },
  tensors: { v0: new Float32Array([1, 2, 3, step]), phi: new Float32Array([0.25, -0.5]) },
})

describe('checkpoints', () => {
  it('round-trip tensors and state exactly', () => {
    const dir = writeCheckpoint(run(), data(10))
    const back = readCheckpoint(dir)
    expect(back.step).toBe(10)
    expect(back.state).toEqual({ rng: [1, 2, 3, 4], losses: { total: 0.5 } })
    expect([...back.tensors.v0!]).toEqual([1, 2, 3, 10])
    expect([...back.tensors.phi!]).toEqual([0.25, -0.5])
  })

  it('finds the newest whole checkpoint and skips a damaged one, naming it', () => {
    const r = run()
    writeCheckpoint(r, data(10))
    const newest = writeCheckpoint(r, data(20))
    writeFileSync(join(newest, 'weights.bin'), Buffer.alloc(3))
    const skipped: string[] = []
    const back = latestCheckpoint(r, (dir, reason) => skipped.push(`${dir}: ${reason}`))
    expect(back?.step).toBe(10)
    expect(skipped).toHaveLength(1)
    expect(skipped[0]).toContain('ckpt-00000020')
    expect(skipped[0]).toMatch(/SHA-256/)
  })

  it('ignores and removes the temporary folder of an interrupted write', () => {
    const r = run()
    writeCheckpoint(r, data(10))
    mkdirSync(join(r, 'ckpt-00000020.tmp-999'))
    writeFileSync(join(r, 'ckpt-00000020.tmp-999', 'weights.bin'), Buffer.alloc(8))
    expect(latestCheckpoint(r)?.step).toBe(10)
    expect(readdirSync(r)).toEqual(['ckpt-00000010'])
  })

  it('has nothing to resume from in an empty or missing run folder', () => {
    expect(latestCheckpoint(run())).toBeNull()
    expect(latestCheckpoint(join(run(), 'nope'))).toBeNull()
    expect(existsSync(join(run(), 'nope'))).toBe(false)
  })

  it('refuses a manifest whose tensors point outside the weights', () => {
    const dir = writeCheckpoint(run(), data(5))
    const manifest = join(dir, 'manifest.json')
    const text = readFileSync(manifest, 'utf8')
    writeFileSync(manifest, text.replace('"length": 2', '"length": 2000'))
    expect(() => readCheckpoint(dir)).toThrow(/tensors\.phi lies outside weights\.bin/)
  })
})
