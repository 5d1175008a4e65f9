import { describe, expect, it, onTestFinished } from 'vitest'
import { createCore } from '../../../src/main/core/create-core'
import { useSoftwareGpu } from '../../helpers/software-gpu'
import { trainWorkerDir } from '../../helpers/train-worker-build'
import { call, callError, openCore, scratch } from '../datasets/helpers'

process.env.SEMAGIC_DEMO_SIZE = 'small'
// SwiftShader is the one adapter here: a software one, so `auto` leaves it and `gpu` takes it.
useSoftwareGpu()

const CONFIG = { dataset: 'demo', category: 'bird', steps: 4, seed: 1, backbone: 'handmade' }

describe('where a run trains, through the contract', () => {
  it('records the device its steps ran on (opened in the training worker); auto leaves a software adapter; the setting applies when the call names none', { timeout: 120_000 }, async () => {
    const core = createCore({ dataDir: scratch(), log: () => {}, workerDir: trainWorkerDir() })
    onTestFinished(() => core.close())
    await core.services.demo.ensure()
    expect(await callError(core, 'settings.set', { key: 'engine.device', value: 'tpu' })).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/engine\.device: "tpu" is not one of auto, cpu, gpu/) })
    expect(await callError(core, 'train.start', { ...CONFIG, device: 'tpu' })).toMatchObject({ code: 'VALIDATION' })

    const auto = await call(core, 'train.start', { ...CONFIG, device: 'auto' })
    await core.services.jobs.wait(auto.jobId)
    await call(core, 'settings.set', { key: 'engine.device', value: 'cpu' })
    const cpu = await call(core, 'train.start', { ...CONFIG, seed: 2 })
    await core.services.jobs.wait(cpu.jobId)
    const runs = await call(core, 'train.runs', {})
    for (const id of [auto.runId, cpu.runId]) expect(runs.find((r) => r.id === id)).toMatchObject({ status: 'succeeded', device: 'cpu', adapter: null })
    // The job says where its steps ran.
    expect((await call(core, 'jobs.get', { id: auto.jobId })).progress?.message).toMatch(/^loss [\d.]+ .* on cpu$/)
  })

  it('gpu runs on SwiftShader with the GPU engine and records it', { timeout: 120_000 }, async () => {
    const core = openCore()
    await core.services.demo.ensure()
    const gpu = await call(core, 'train.start', { ...CONFIG, device: 'gpu' })
    await core.services.jobs.wait(gpu.jobId)
    const run = (await call(core, 'train.runs', {})).find((r) => r.id === gpu.runId)!
    expect(run).toMatchObject({ status: 'succeeded', device: 'gpu', adapter: { software: true } })
    expect(run.adapter!.description).toMatch(/swiftshader/i)
    expect((await call(core, 'jobs.get', { id: gpu.jobId })).progress?.message).toMatch(/on gpu: SwiftShader/)
  })
})
