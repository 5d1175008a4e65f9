import { describe, expect, it } from 'vitest'
import { DEFAULT_ENGINE_CONFIG, LARGE_STEPS_SHAPE_RATE } from '../../../src/main/engine/model/config'
import { latestCheckpoint } from '../../../src/main/runs/checkpoint'
import { call, openCore } from '../datasets/helpers'

process.env.SEMAGIC_DEMO_SIZE = 'small'

type Manifest = { config: { largeSteps: number; lr: { shape: number; basis: number } } }

describe('the large-steps shape update through the contract', () => {
  it('trains with its lambda and the shape rate that goes with it, names the run by it, and reuses only a run of the same setting', { timeout: 300_000 }, async () => {
    const core = openCore()
    await core.services.demo.ensure()
    const plain = { dataset: 'demo', category: 'bird', steps: 3, backbone: 'handmade' } as const
    const on = await call(core, 'train.start', { ...plain, largeSteps: 1 })
    const off = await call(core, 'train.start', plain)
    await core.services.jobs.wait(on.jobId)
    await core.services.jobs.wait(off.jobId)
    expect(on.runId).toMatch(/^bird-semagic-ls1-seed0-/)
    expect(off.runId).toMatch(/^bird-semagic-seed0-/)

    const used = (runId: string): Manifest['config'] => (latestCheckpoint(core.services.train.runDir(runId))!.state as Manifest).config
    expect(used(on.runId)).toMatchObject({ largeSteps: 1, lr: { shape: LARGE_STEPS_SHAPE_RATE, basis: DEFAULT_ENGINE_CONFIG.lr.basis } })
    expect(used(off.runId)).toMatchObject({ largeSteps: 0, lr: { shape: DEFAULT_ENGINE_CONFIG.lr.shape } })

    const runs = await call(core, 'train.runs', {})
    expect(runs.find((r) => r.id === on.runId)?.config.largeSteps).toBe(1)
    expect(runs.find((r) => r.id === off.runId)?.config.largeSteps).toBe(0)
    // A bench asking for either setting finds its own run, never the other's.
    expect(core.services.train.findFinished({ ...runs.find((r) => r.id === off.runId)!.config, largeSteps: 1 })?.id).toBe(on.runId)
    expect(core.services.train.findFinished({ ...runs.find((r) => r.id === on.runId)!.config, largeSteps: 0 })?.id).toBe(off.runId)
    expect(core.services.train.findFinished({ ...runs.find((r) => r.id === on.runId)!.config, largeSteps: 2 })).toBeNull()
  })
})
