import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { probeTfjsBackends } from '../../../src/main/engine/backend/probe'
import { initTfjs, TFJS_BACKEND_ORDER, tfjsBackendFailures } from '../../../src/main/engine/backend/tfjs-backend'

describe('initTfjs', () => {
  it('picks the best installed backend and says why better ones were skipped', async () => {
    const installed = probeTfjsBackends().filter((b) => b.available).map((b) => b.name)
    const name = await initTfjs()
    expect(name).toBe(TFJS_BACKEND_ORDER.find((n) => installed.includes(n)))
    for (const skipped of TFJS_BACKEND_ORDER.slice(0, TFJS_BACKEND_ORDER.indexOf(name))) {
      expect(tfjsBackendFailures.get(skipped)).toMatch(/tfjs-node/)
    }
    expect(tf.tidy(() => tf.add(tf.scalar(2), tf.scalar(3)).arraySync())).toBe(5)
  })

  it('is idempotent', async () => {
    const first = await initTfjs()
    const tensors = tf.memory().numTensors
    await expect(initTfjs()).resolves.toBe(first)
    await expect(initTfjs(first)).resolves.toBe(first)
    expect(tf.getBackend()).toBe(first === 'tensorflow-gpu' ? 'tensorflow' : first)
    expect(tf.memory().numTensors).toBe(tensors)
  })

  it('switches to a named backend and fails loudly for one that is missing', async () => {
    await expect(initTfjs('cpu')).resolves.toBe('cpu')
    expect(tf.getBackend()).toBe('cpu')
    const installed = probeTfjsBackends().find((b) => b.name === 'tensorflow-gpu')!.available
    if (!installed) await expect(initTfjs('tensorflow-gpu')).rejects.toThrow(/tensorflow-gpu: .*tfjs-node-gpu/)
    await expect(initTfjs('wasm')).resolves.toBe('wasm')
  })
})
