import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, runCliChild } from '../../helpers/run-cli'
import { softwareGpuEnv } from '../../helpers/software-gpu'
import { openCore, scratch } from '../datasets/helpers'

process.env.SEMAGIC_DEMO_SIZE = 'small'

describe('semagic --device', () => {
  it('refuses a value it does not know, naming the flag and the choices', async () => {
    const args: Record<string, string[]> = { train: ['--category', 'bird'], bench: [], eval: ['--method', 'nn-handmade'] }
    for (const [command, more] of Object.entries(args)) {
      const r = await runCli(command, '--dataset', 'demo', ...more, '--device', 'tpu', '--data-dir', scratch())
      expect(r.code, command).toBe(2)
      expect(r.stderr).toContain(`semagic ${command}: --device must be one of auto, cpu, gpu, got "tpu"`)
    }
  })

  it('refuses a batch size out of range before anything is stored, naming the field', async () => {
    const dataDir = scratch()
    const r = await runCli('train', '--dataset', 'demo', '--category', 'bird', '--batch-size', '0', '--data-dir', dataDir)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/semagic train: batchSize: Too small: expected number to be >=1/)
    expect(existsSync(join(dataDir, 'runs'))).toBe(false)
    const resumed = await runCli('train', '--resume', 'some-run', '--hypotheses', '16', '--data-dir', dataDir)
    expect(resumed.code).toBe(2)
    expect(resumed.stderr).toContain('--resume continues a run with the settings it started with: drop --hypotheses')
  })

  it('gpu with no Vulkan driver fails naming the reason, and stores no run, no data set, no run folder', { timeout: 120_000 }, async () => {
    const dataDir = scratch()
    const r = await runCliChild({ VK_ICD_FILENAMES: '/nonexistent.json' }, 'train', '--dataset', 'demo', '--category', 'bird', '--steps', '4', '--device', 'gpu', '--data-dir', dataDir)
    expect(r.code).toBe(1)
    // The second: where the loader itself is missing (CI installs libvulkan1).
    expect(r.stderr).toMatch(/semagic train: device gpu: No WebGPU adapter: (Vulkan found no usable device with VK_ICD_FILENAMES=\/nonexistent\.json|the Vulkan loader \(libvulkan\.so\.1\) is not installed)/)
    expect(existsSync(join(dataDir, 'runs')) ? readdirSync(join(dataDir, 'runs')) : []).toEqual([])
    const core = openCore(dataDir)
    expect(core.services.train.runs()).toEqual([])
    expect(core.services.datasets.list()).toEqual([])
  })

  it('train --device gpu --json trains on SwiftShader and says so', { timeout: 180_000 }, async () => {
    const dataDir = scratch()
    const r = await runCliChild(softwareGpuEnv(), 'train', '--dataset', 'demo', '--category', 'bird', '--steps', '3', '--batch-size', '5', '--hypotheses', '4', '--backbone', 'handmade', '--device', 'gpu', '--json', '--data-dir', dataDir)
    expect(r.code, r.stderr).toBe(0)
    const run = JSON.parse(r.stdout) as { status: string; device: string; adapter: { description: string; software: boolean } }
    expect(run).toMatchObject({ status: 'succeeded', device: 'gpu', adapter: { software: true }, config: { batchSize: 5, hypotheses: 4 } })
    expect(run.adapter.description).toMatch(/swiftshader/i)
    // The run folder says which engine ran its steps, not the CPU engine it would have used.
    const manifest = JSON.parse(readFileSync(join(dataDir, 'runs', (run as unknown as { id: string }).id, 'run.json'), 'utf8')) as { backend: string }
    expect(manifest.backend).toMatch(/^WebGPU engine .* on SwiftShader.*software, in (a worker|the main thread)$/)
  })

  it('train --json, runs list and the run folder say where the steps ran; an imported folder keeps it', { timeout: 180_000 }, async () => {
    const dataDir = scratch()
    const r = await runCli('train', '--dataset', 'demo', '--category', 'bird', '--steps', '4', '--backbone', 'handmade', '--device', 'cpu', '--json', '--data-dir', dataDir)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('device cpu: training on cpu')
    const run = JSON.parse(r.stdout) as { id: string; device: string; adapter: unknown }
    expect(run).toMatchObject({ device: 'cpu', adapter: null })
    const listed = await runCli('runs', 'list', '--data-dir', dataDir)
    expect(listed.stdout).toBe(`${run.id}: succeeded, bird semagic seed 0, 4/4 steps, on cpu\n`)
    const json = JSON.parse((await runCli('runs', 'list', '--json', '--data-dir', dataDir)).stdout) as { id: string; device: string }[]
    expect(json.map((x) => [x.id, x.device])).toEqual([[run.id, 'cpu']])

    // As a GPU machine's folder would say it: imported elsewhere, the index says gpu.
    const summaryFile = join(dataDir, 'runs', run.id, 'summary.json')
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as Record<string, unknown>
    expect(summary.ranOn).toEqual({ device: 'cpu', adapter: null })
    expect((JSON.parse(readFileSync(join(dataDir, 'runs', run.id, 'run.json'), 'utf8')) as { backend: string }).backend).toMatch(/^js \(plain TypeScript\), 2 gradient shards on \d threads?, in (a worker|the main thread)$/)
    const adapter = { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100', software: false, limits: { maxStorageBufferBindingSize: 1, maxBufferSize: 1, maxComputeWorkgroupSizeX: 1, maxComputeInvocationsPerWorkgroup: 1, maxStorageBuffersPerShaderStage: 1 } }
    writeFileSync(summaryFile, JSON.stringify({ ...summary, ranOn: { device: 'gpu', adapter } }))
    const elsewhere = scratch()
    await openCore(elsewhere).services.demo.ensure()
    const imported = await runCli('runs', 'import', join(dataDir, 'runs', run.id), '--data-dir', elsewhere)
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stdout).toContain(`${run.id}: bird semagic seed 0, 4 steps on gpu: NVIDIA H100 (nvidia hopper)`)
  })
})
