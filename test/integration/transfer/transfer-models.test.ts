import { describe, expect, it } from 'vitest'
import { cellCentre, peakCell } from '../../../src/shared/heatmap-cells'
import { call, callError, openCore } from '../datasets/helpers'

process.env.SEMAGIC_DEMO_SIZE = 'small'

describe('interactive transfer through a trained model', () => {
  it('answers mesh:<run> and hybrid:<run> for any two images of the run’s category, as the evaluation does', { timeout: 300_000 }, async () => {
    const core = openCore()
    await core.services.demo.ensure()
    const { jobId, runId } = await call(core, 'train.start', { dataset: 'demo', category: 'car', steps: 8, backbone: 'handmade' })
    await core.services.jobs.wait(jobId)
    for (const method of [`mesh:${runId}`, `hybrid:${runId}`]) {
      const { jobId: e } = await call(core, 'eval.run', { dataset: 'demo', method, alphas: [0.1] })
      await core.services.jobs.wait(e)
      // The evaluation's cached predictions of a pair are what the Transfer view gets for its keypoints.
      const [worst] = (await call(core, 'eval.pairs', { dataset: 'demo', method, limit: 1 })).items
      const pair = (await call(core, 'datasets.pairs', { name: 'demo', split: 'test', pair: worst!.name })).items[0]!
      const t0 = performance.now()
      const r = await call(core, 'transfer.points', {
        dataset: 'demo',
        method,
        source: { category: 'car', stem: pair.srcStem },
        target: { category: 'car', stem: pair.trgStem },
        points: pair.srcKps,
        heatmaps: true,
      })
      console.log(`${method.split(':')[0]}: transfer.points of ${pair.srcKps.length} points after an evaluation: ${(performance.now() - t0).toFixed(0)} ms`)
      expect(r.method).toBe(method)
      expect(r.predictions).toEqual(worst!.predicted)
      if (method.startsWith('mesh:')) expect(r.heatmaps).toBeNull()
      else {
        // The hybrid's map peaks where it predicted: the view shows why it chose that point.
        expect(r.heatmaps).toHaveLength(pair.srcKps.length)
        r.heatmaps!.forEach((map, i) => {
          expect(map.kind).toBe('hybrid')
          const peak = cellCentre(map, peakCell(map.values))
          expect(peak[0]).toBeCloseTo(r.predictions[i]![0], 6)
          expect(peak[1]).toBeCloseTo(r.predictions[i]![1], 6)
        })
      }
    }
    const [bird] = (await call(core, 'datasets.images', { name: 'demo', category: 'bird', limit: 1 })).items
    const wrong = await callError(core, 'transfer.points', {
      dataset: 'demo',
      method: `mesh:${runId}`,
      source: { category: 'bird', stem: bird!.stem },
      target: { category: 'bird', stem: bird!.stem },
      points: [[10, 10]],
    })
    expect(wrong).toMatchObject({ code: 'BAD_INPUT' })
    expect(wrong.message).toContain(`mesh:${runId} models car`)
    expect(await callError(core, 'transfer.points', { dataset: 'demo', method: 'mesh:nope', source: { category: 'car', stem: 'x' }, target: { category: 'car', stem: 'x' }, points: [[1, 1]] })).toMatchObject({
      code: 'NOT_FOUND',
    })
  })
})
