import { describe, expect, it } from 'vitest'
import { call, callError, FIXTURE, importTree, openCore } from '../datasets/helpers'

const cat1 = { category: 'cat', stem: '2008_000001' }

describe('interactive transfer through the contract', () => {
  it('finds a point again in the same image, with a similarity map that peaks there', async () => {
    // The fixture's images are flat colour; the demo's are textured, as features need.
    process.env.SEMAGIC_DEMO_SIZE = 'small'
    const core = openCore()
    await core.services.demo.ensure()
    const [first] = (await call(core, 'datasets.images', { name: 'demo', category: 'quadruped', limit: 1 })).items
    const ref = { category: first!.category, stem: first!.stem }
    const image = await call(core, 'datasets.image', { name: 'demo', ...ref })
    const point = image.keypoints.find((p) => p !== null)!
    const r = await call(core, 'transfer.points', { dataset: 'demo', method: 'nn-handmade', source: ref, target: ref, points: [point], heatmaps: true })
    const [px, py] = r.predictions[0]!
    const side = r.heatmaps![0]!.crop.side
    const cell = side / r.heatmaps![0]!.width
    // Within one feature cell of where it came from.
    expect(Math.hypot(px - point[0], py - point[1])).toBeLessThanOrEqual(cell)
    const map = r.heatmaps![0]!
    expect(map.values).toHaveLength(map.width * map.height)
    const best = map.values.indexOf(Math.max(...map.values))
    const bx = map.crop.x + ((best % map.width) + 0.5) * cell
    const by = map.crop.y + (Math.floor(best / map.width) + 0.5) * cell
    expect(Math.hypot(bx - point[0], by - point[1])).toBeLessThanOrEqual(cell)
    expect(Math.max(...map.values)).toBeCloseTo(1, 1)
  })

  it('explains what it cannot do', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const other = await callError(core, 'transfer.points', { dataset: 'fx', method: 'predictions:/x.jsonl', source: cat1, target: cat1, points: [[1, 1]] })
    expect(other).toMatchObject({ code: 'BAD_INPUT' })
    const missing = await callError(core, 'transfer.points', {
      dataset: 'fx',
      method: 'nn-handmade',
      source: cat1,
      target: { category: 'cat', stem: 'nope' },
      points: [[1, 1]],
    })
    expect(missing).toMatchObject({ code: 'NOT_FOUND' })
    expect(missing.message).toContain('cat/nope')
  })
})
