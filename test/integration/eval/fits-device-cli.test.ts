import { describe, expect, it } from 'vitest'
import { runCli } from '../../helpers/run-cli'
import { useSoftwareGpu } from '../../helpers/software-gpu'
import { scratch } from '../datasets/helpers'

process.env.SEMAGIC_DEMO_SIZE = 'small'
// Before this process asks for its first adapter: the Vulkan loader reads it once.
useSoftwareGpu()

const SWIFTSHADER = 'gpu: SwiftShader driver 5.0.0 (google swiftshader), software'

describe('fits of trained models follow --device', () => {
  it('eval mesh: --device gpu fits on SwiftShader and says so; bench says where its fits run before it starts', { timeout: 180_000 }, async () => {
    const dataDir = scratch()
    const trained = await runCli('train', '--dataset', 'demo', '--category', 'bird', '--steps', '2', '--backbone', 'handmade', '--device', 'cpu', '--json', '--data-dir', dataDir)
    expect(trained.code, trained.stderr).toBe(0)
    const runId = (JSON.parse(trained.stdout) as { id: string }).id

    const r = await runCli('eval', '--dataset', 'demo', '--method', `mesh:${runId}`, '--device', 'gpu', '--data-dir', dataDir)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(`device gpu: fits of trained models run on ${SWIFTSHADER}\n`)
    expect(r.stderr).toContain(`mesh:${runId}: fits ran on ${SWIFTSHADER}\n`)
    expect(r.stdout).toContain(`| mesh:${runId} |`)
    // Asked again, the fits come from the cache: nothing ran anywhere.
    const again = await runCli('eval', '--dataset', 'demo', '--method', `mesh:${runId}`, '--device', 'gpu', '--data-dir', dataDir)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).not.toContain('fits ran on')

    // Bench says it before anything runs (no finished 3-step run here: it stops there). `auto` never takes a software adapter.
    const bench = await runCli('bench', '--dataset', 'demo', '--variants', 'semagic', '--seeds', '1', '--steps', '3', '--categories', 'bird', '--from-runs', '--device', 'auto', '--data-dir', dataDir)
    expect(bench.code).toBe(1)
    expect(bench.stderr).toContain('device auto: fits of trained models run on cpu\n')
    const onGpu = await runCli('bench', '--dataset', 'demo', '--variants', 'semagic', '--seeds', '1', '--steps', '3', '--categories', 'bird', '--from-runs', '--device', 'gpu', '--data-dir', dataDir)
    expect(onGpu.stderr).toContain(`device gpu: fits of trained models run on ${SWIFTSHADER}\n`)
  })
})
