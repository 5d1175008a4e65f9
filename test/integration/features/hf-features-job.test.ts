import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Job } from '../../../src/shared/ipc/channels/jobs'
import type { ExtractSummary } from '../../../src/shared/ipc/channels/features'
import type { FakeHub } from '../../helpers/fake-hub'
import { DINO_PREPROCESSOR, jsonBytes, startFakeHub } from '../../helpers/fake-hub'
import { dinoLikeModel } from '../../helpers/onnx-model'
import { tempDir } from '../../helpers/temp-dir'
import { call, FIXTURE, importTree, openCore } from '../datasets/helpers'

const REPO = 'onnx-community/dinov2-small'
const COMMIT = 'c'.repeat(40)
const MODEL = dinoLikeModel({ channels: 8 })
const saved = { ...process.env }
let hub: FakeHub
let home: { path: string; remove(): void }

beforeEach(async () => {
  hub = await startFakeHub({ [REPO]: { commit: COMMIT, files: { 'onnx/model.onnx': MODEL, 'preprocessor_config.json': jsonBytes(DINO_PREPROCESSOR) } } })
  home = tempDir('semagic-hf-home-')
  Object.assign(process.env, { HF_HOME: home.path, HF_ENDPOINT: hub.endpoint })
  delete process.env.HF_HUB_OFFLINE
  delete process.env.HF_HUB_CACHE
})

afterEach(async () => {
  for (const k of ['HF_HOME', 'HF_ENDPOINT', 'HF_HUB_OFFLINE', 'HF_HUB_CACHE']) {
    if (saved[k] === undefined) delete process.env[k]
    else process.env[k] = saved[k]
  }
  await hub.close()
  home.remove()
})

describe('features of an hf: backbone, through the contract', () => {
  it('downloads the model as part of the job, with its progress in MB, then lists it as cached', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const before = await call(core, 'features.hubModels', {})
    expect(before).toMatchObject({ endpoint: hub.endpoint, offline: false, token: false, models: [] })
    expect(before.suggestions.find((s) => s.name === `hf:${REPO}`)).toEqual({ name: `hf:${REPO}`, cachedBytes: null })

    const progress: NonNullable<Job['progress']>[] = []
    const detach = core.hub.attach((event, payload) => {
      const job = payload as Job
      if (event === 'job.updated' && job.progress) progress.push(job.progress)
    })
    const { jobId } = await call(core, 'features.extract', { name: 'fx', backbone: `hf:${REPO}` })
    const summary = (await core.services.jobs.wait(jobId)) as ExtractSummary
    detach()
    expect(summary).toMatchObject({ backbone: `hf:${REPO}@${COMMIT}`, inputSize: 56, computed: 6, failed: [] })
    const download = progress.filter((p) => p.unit === 'MB')
    expect(download.at(-1)).toMatchObject({ done: Math.round(MODEL.byteLength / 1e5) / 10, total: Math.round(MODEL.byteLength / 1e5) / 10, message: `downloading hf:${REPO}` })
    expect(progress.at(-1)).toMatchObject({ unit: 'images', done: 6, total: 6 })

    const after = await call(core, 'features.hubModels', {})
    expect(after.models).toEqual([{ name: `hf:${REPO}`, repo: REPO, file: 'onnx/model.onnx', commit: COMMIT, refs: ['main'], bytes: MODEL.byteLength }])
    expect(after.suggestions.find((s) => s.name === `hf:${REPO}`)).toEqual({ name: `hf:${REPO}`, cachedBytes: MODEL.byteLength })
  })

  it('fails the job with the hub message when the hub is down and nothing is cached', async () => {
    await hub.close()
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const { jobId } = await call(core, 'features.extract', { name: 'fx', backbone: `hf:${REPO}` })
    await expect(core.services.jobs.wait(jobId)).rejects.toThrow(`hf:${REPO}: cannot reach the hub at ${hub.endpoint}`)
    expect((await call(core, 'features.hubModels', {})).models).toEqual([])
  })

  it('refuses a malformed hf: name before starting a job', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    await expect(call(core, 'features.extract', { name: 'fx', backbone: 'hf:dinov2-small' })).rejects.toThrow('<org>/<name>')
  })
})
