import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initTfjs } from '../../../src/main/engine/backend/tfjs-backend'
import { fileSystemModelHandler } from '../../../src/main/features/backbones/tfjs-model-files'
import { tempDir } from '../../helpers/temp-dir'

const dir = tempDir()
let model: tf.Sequential
let artifacts: tf.io.ModelArtifacts
const input = (): tf.Tensor => tf.tensor2d([[0.5, -1, 2]])

beforeAll(async () => {
  await initTfjs()
  model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, kernelInitializer: 'randomNormal', biasInitializer: 'ones' })] })
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
  }))
})
afterAll(() => dir.remove())

function weightBytes(): Buffer {
  const data = artifacts.weightData!
  return Buffer.concat((Array.isArray(data) ? data : [data]).map((b) => Buffer.from(b)))
}

async function predictionFrom(folder: string): Promise<number[][]> {
  const loaded = await tf.loadLayersModel(fileSystemModelHandler(folder))
  const out = tf.tidy(() => (loaded.predict(input()) as tf.Tensor).arraySync() as number[][])
  loaded.dispose()
  return out
}

describe('fileSystemModelHandler', () => {
  it('loads model.json with its binary shards from disk', async () => {
    const folder = join(dir.path, 'plain')
    mkdirSync(folder)
    const manifest = [{ paths: ['part1.bin'], weights: artifacts.weightSpecs }]
    writeFileSync(join(folder, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: manifest }))
    writeFileSync(join(folder, 'part1.bin'), weightBytes())
    const expected = tf.tidy(() => (model.predict(input()) as tf.Tensor).arraySync() as number[][])
    expect(await predictionFrom(folder)).toEqual(expected)
  })

  it('loads nsfwjs-style browserify bundles as data, without running them', async () => {
    const folder = join(dir.path, 'bundle')
    mkdirSync(folder)
    const manifest = [{ paths: ['group1-shard1of1'], weights: artifacts.weightSpecs }]
    const literal = JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: manifest })
    // If these bundles were executed, the throw would surface.
    const wrap = (body: string): string => `!function(e){throw new Error("executed")}({1:[function(e,a,n){${body}},{}]},{},[1])(1);`
    writeFileSync(join(folder, 'model.min.js'), wrap(`a.exports=${literal}`))
    writeFileSync(join(folder, 'group1-shard1of1.min.js'), wrap(`a.exports="${weightBytes().toString('base64')}"`))
    const expected = tf.tidy(() => (model.predict(input()) as tf.Tensor).arraySync() as number[][])
    expect(await predictionFrom(folder)).toEqual(expected)
  })

  it('says which folder lacks a model', async () => {
    await expect(tf.loadLayersModel(fileSystemModelHandler(dir.path))).rejects.toThrow(`${dir.path}: neither model.json nor model.min.js`)
  })
})
