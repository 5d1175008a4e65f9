import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, runCliChild } from '../../helpers/run-cli'
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

  it('gpu with no Vulkan driver fails naming the reason, and stores no run, no data set, no run folder', { timeout: 120_000 }, async () => {
    const dataDir = scratch()
    const r = await runCliChild({ VK_ICD_FILENAMES: '/nonexistent.json' }, 'train', '--dataset', 'demo', '--category', 'bird', '--steps', '4', '--device', 'gpu', '--data-dir', dataDir)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('semagic train: device gpu: No WebGPU adapter: Vulkan found no usable device with VK_ICD_FILENAMES=/nonexistent.json')
    expect(existsSync(join(dataDir, 'runs')) ? readdirSync(join(dataDir, 'runs')) : []).toEqual([])
    const core = openCore(dataDir)
    expect(core.services.train.runs()).toEqual([])
    expect(core.services.datasets.list()).toEqual([])
  })

  it('train --json and runs list say where the steps ran', { timeout: 120_000 }, async () => {
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
  })
})
