import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/index'
import type { ExtractSummary } from '../../../src/shared/ipc/channels/features'
import { DINO_PREPROCESSOR, jsonBytes, seedHubCache } from '../../helpers/fake-hub'
import { dinoLikeModel } from '../../helpers/onnx-model'
import { tempDir } from '../../helpers/temp-dir'
import { scratch } from '../datasets/helpers'

process.env.SEMAGIC_DEMO_SIZE = 'small'

const COMMIT = '0123456789abcdef0123456789abcdef01234567'
const saved = { ...process.env }

function sink(): NodeJS.WritableStream & { text: string } {
  const s = { text: '', write: (chunk: string) => ((s.text += chunk), true) }
  return s as unknown as NodeJS.WritableStream & { text: string }
}

let hubDir: { path: string; remove(): void }

beforeEach(() => {
  hubDir = tempDir('semagic-hf-home-')
  process.env.HF_HOME = hubDir.path
  process.env.HF_HUB_OFFLINE = '1'
  // A closed port: were any request made, it would fail rather than reach a real hub.
  process.env.HF_ENDPOINT = 'http://127.0.0.1:9'
})

afterEach(() => {
  for (const k of ['HF_HOME', 'HF_HUB_OFFLINE', 'HF_ENDPOINT']) {
    if (saved[k] === undefined) delete process.env[k]
    else process.env[k] = saved[k]
  }
  hubDir.remove()
})

describe('semagic features --backbone hf:<org>/<name>', () => {
  it('runs a DINOv2-shaped export from a warm hub cache with HF_HUB_OFFLINE=1, then answers from the feature cache', async () => {
    seedHubCache(join(hubDir.path, 'hub'), 'onnx-community/dinov2-small', 'main', {
      commit: COMMIT,
      files: { 'onnx/model.onnx': dinoLikeModel({ channels: 8 }), 'preprocessor_config.json': jsonBytes(DINO_PREPROCESSOR) },
    })
    const dataDir = scratch()
    const args = ['features', '--dataset', 'demo', '--backbone', 'hf:onnx-community/dinov2-small', '--json', '--data-dir', dataDir]
    const out = sink()
    const err = sink()
    expect(await main(args, { stdout: out, stderr: err }), err.text).toBe(0)
    const summary = JSON.parse(out.text) as ExtractSummary
    expect(summary).toMatchObject({
      dataset: 'demo',
      backbone: `hf:onnx-community/dinov2-small@${COMMIT}`,
      backend: 'onnx-cpu',
      inputSize: 56, // crop_size from preprocessor_config.json
      channels: 8,
      grid: { height: 4, width: 4 },
      images: 45,
      computed: 45,
      failed: [],
    })
    const again = sink()
    expect(await main(args, { stdout: again, stderr: sink() })).toBe(0)
    expect(JSON.parse(again.text)).toMatchObject({ computed: 0, cached: 45, settingsHash: summary.settingsHash })

    // The same name as an eval method: nn-hf:... scores from those cached features.
    const evalOut = sink()
    const evalErr = sink()
    const method = 'nn-hf:onnx-community/dinov2-small'
    expect(await main(['eval', '--dataset', 'demo', '--method', method, '--alpha', '0.1', '--data-dir', dataDir], { stdout: evalOut, stderr: evalErr }), evalErr.text).toBe(0)
    expect(evalOut.text).toContain(method)
  })

  it('fails offline with a model not in the cache, saying where to put it, and leaves nothing behind', async () => {
    const dataDir = scratch()
    const err = sink()
    const code = await main(['features', '--dataset', 'demo', '--backbone', 'hf:onnx-community/dinov2-small', '--data-dir', dataDir], { stdout: sink(), stderr: err })
    expect(code).toBe(1)
    expect(err.text).toContain('hf:onnx-community/dinov2-small: onnx/model.onnx at revision main is not in the cache')
    expect(err.text).toContain(join(hubDir.path, 'hub', 'models--onnx-community--dinov2-small', 'snapshots', '<commit>', 'onnx', 'model.onnx'))
    expect(existsSync(join(hubDir.path, 'hub', 'models--onnx-community--dinov2-small'))).toBe(false)
  })
})
