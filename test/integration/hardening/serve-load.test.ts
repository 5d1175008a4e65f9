import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runServeLoad } from '../../../bench/serve-load-driver'
import { startServer } from '../../../src/main/transports/ws-server'
import { FIXTURE, importTree, openCore, scratch } from '../datasets/helpers'

/** The bounded form of bench/serve-load.bench.ts: 4 clients for 3 s against an in-process server. */
describe('semagic serve under concurrent clients', () => {
  it('answers every call of 4 clients issuing a mixed stream for 3 s', { timeout: 30_000 }, async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fixture')
    const renderer = join(scratch(), 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>studio</title>')
    const server = await startServer({ core, rendererDir: renderer })
    try {
      const result = await runServeLoad({
        wsUrl: `ws://127.0.0.1:${server.port}/ws?token=${server.token}`,
        clients: 4,
        seconds: 3,
        dataset: 'fixture',
        images: [
          { category: 'cat', stem: '2008_000001' },
          { category: 'cat', stem: '2008_000002' },
          { category: 'bicycle', stem: '2010_000004' },
        ],
        seed: 7,
      })
      expect(result.failures).toEqual([])
      expect(result.failed).toBe(0)
      expect(result.calls).toBeGreaterThan(100)
      expect(Object.keys(result.byChannel).length).toBeGreaterThanOrEqual(10)
      process.stdout.write(`load: ${result.calls} calls from 4 clients in ${result.seconds} s, none failed (p50 ${result.overall.p50Ms} ms, p99 ${result.overall.p99Ms} ms)\n`)
    } finally {
      await server.close()
    }
  })
})
