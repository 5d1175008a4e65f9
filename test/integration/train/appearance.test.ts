import { describe, expect, it } from 'vitest'
import { COLOUR_CHANNELS } from '../../../src/main/engine/appearance/colour-channels'
import { latestCheckpoint } from '../../../src/main/runs/checkpoint'
import { call, openCore } from '../datasets/helpers'

process.env.SEMAGIC_DEMO_SIZE = 'small'

describe('the appearance term through the contract', () => {
  it('trains with the colour channels, records them in the checkpoint, and fits test images with them for mesh: and hybrid:', { timeout: 300_000 }, async () => {
    const core = openCore()
    await core.services.demo.ensure()
    const { jobId, runId } = await call(core, 'train.start', { dataset: 'demo', category: 'car', steps: 4, backbone: 'handmade', appearance: 2 })
    await core.services.jobs.wait(jobId)
    expect(runId).toMatch(/^car-semagic-app2-seed0-/)
    const [run] = await call(core, 'train.runs', {})
    expect(run).toMatchObject({ id: runId, status: 'succeeded', config: { appearance: 2 } })
    const ckpt = latestCheckpoint(core.services.train.runDir(runId))!
    const manifest = ckpt.state as { config: { appearance: number }; channels: number; pca: { dims: number } }
    expect(manifest.config.appearance).toBe(2)
    expect(manifest.channels).toBe(manifest.pca.dims + COLOUR_CHANNELS)
    // The fits behind mesh: and hybrid: read the test images' colour too (without it they would refuse).
    for (const method of [`mesh:${runId}`, `hybrid:${runId}`]) {
      const { jobId: id } = await call(core, 'eval.run', { dataset: 'demo', method, alphas: [0.1] })
      const report = (await core.services.jobs.wait(id)) as { overall: Record<string, { pairs: number; perImage: number }> }
      expect(report.overall['0.1']!.pairs).toBeGreaterThan(0)
      expect(report.overall['0.1']!.perImage).toBeGreaterThanOrEqual(0)
    }
  })
})
