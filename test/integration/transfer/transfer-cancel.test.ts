import { describe, expect, it } from 'vitest'
import type { TransferProgress } from '../../../src/shared/ipc/channels/transfer'
import { call, callError, openCore } from '../datasets/helpers'

process.env.SEMAGIC_DEMO_SIZE = 'small'

describe('a named transfer call is followed and cancelled like a job', () => {
  it('reports progress while features are computed, and stops with CANCELLED when asked', async () => {
    const core = openCore()
    await core.services.demo.ensure()
    const seen: TransferProgress[] = []
    core.hub.attach((event, payload) => event === 'transfer.progress' && seen.push(payload as TransferProgress))
    const [a, b] = (await call(core, 'datasets.images', { name: 'demo', category: 'bird', limit: 2 })).items
    const req = { dataset: 'demo', method: 'nn-handmade', source: { category: 'bird', stem: a!.stem }, target: { category: 'bird', stem: b!.stem }, points: [[20, 20]] as [number, number][] }

    // Cancelled before its features exist: the call fails as cancelled and frees its id.
    const cut = callError(core, 'transfer.points', { ...req, requestId: 'first' })
    expect(await call(core, 'transfer.cancel', { requestId: 'first' })).toEqual({ requestId: 'first', cancelRequested: true })
    expect(await cut).toMatchObject({ code: 'CANCELLED' })
    expect(await call(core, 'transfer.cancel', { requestId: 'first' })).toEqual({ requestId: 'first', cancelRequested: false })

    const done = await call(core, 'transfer.points', { ...req, requestId: 'second', heatmaps: true })
    expect(done.predictions).toHaveLength(1)
    expect(done.heatmaps![0]).toMatchObject({ kind: 'similarity', lambda: null })
    const mine = seen.filter((e) => e.requestId === 'second')
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.every((e) => e.method === 'nn-handmade' && e.progress.unit === 'images')).toBe(true)
    expect(mine.at(-1)!.progress.done).toBe(mine.at(-1)!.progress.total)
    // Without a requestId nothing is announced.
    const before = seen.length
    await call(core, 'transfer.points', req)
    expect(seen.length).toBe(before)
  })
})
