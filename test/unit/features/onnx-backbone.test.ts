import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createBackbone } from '../../../src/main/features/backbones/create-backbone'
import { loadOnnxBackbone } from '../../../src/main/features/backbones/onnx-backbone'
import { providerUnavailable } from '../../../src/main/features/backbones/onnx-providers'
import type { FeatureMap } from '../../../src/main/features/backbones/types'
import type { RgbImage } from '../../../src/main/images/rgb-image'
import { convMapModel, dinoLikeModel, pooledModel, vectorModel, vitLikeModel, writeModel } from '../../helpers/onnx-model'
import { tempDir } from '../../helpers/temp-dir'

const dir = tempDir()
afterAll(() => dir.remove())

const dino = writeModel(dir.path, 'dino.onnx', dinoLikeModel())
const dinoReg = writeModel(dir.path, 'dino-reg.onnx', dinoLikeModel({ registers: 4, channels: 6, pooler: true }))
const conv = writeModel(dir.path, 'conv.onnx', convMapModel(8))

/** Each 14 x 14 patch (row i, column j) filled with its own colour. */
function patchImage(size: number, patch: number): RgbImage {
  const data = new Uint8Array(size * size * 3)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = Math.floor(y / patch)
      const j = Math.floor(x / patch)
      data.set([20 + 50 * j, 30 + 40 * i, 200 - 30 * i - 20 * j], (y * size + x) * 3)
    }
  }
  return { width: size, height: size, data }
}

const cell = (m: FeatureMap, i: number, j: number): number[] =>
  Array.from({ length: m.channels }, (_, c) => m.data[(c * m.height + i) * m.width + j]!)

function unit(v: number[]): number[] {
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}

describe('ONNX DINOv2-style backbone', () => {
  it('drops CLS, keeps patches in row-major order with ImageNet normalisation, stride 14', async () => {
    const b = await loadOnnxBackbone(dino, { size: 56 })
    const info = b.describe()
    expect(info).toMatchObject({ kind: 'onnx', inputSize: 56, channels: 4, grid: { height: 4, width: 4 }, stride: 14, backend: 'onnx-cpu' })
    expect(info.layers).toEqual(['last_hidden_state'])
    expect(info.description).toMatch(/1 CLS\/register token/)
    const [map] = await b.extract([patchImage(56, 14)])
    expect([map!.channels, map!.height, map!.width, map!.stride]).toEqual([4, 4, 4, 14])
    const mean = [0.485, 0.456, 0.406]
    const std = [0.229, 0.224, 0.225]
    for (const [i, j] of [[0, 0], [1, 3], [3, 2]] as const) {
      const rgb = [20 + 50 * j, 30 + 40 * i, 200 - 30 * i - 20 * j]
      const expected = unit([...rgb.map((v, c) => (v / 255 - mean[c]!) / std[c]!), 0])
      cell(map!, i, j).forEach((v, c) => expect(v).toBeCloseTo(expected[c]!, 5))
    }
    b.dispose()
  })

  it('drops register tokens too: the CLS/register marker channel never reaches the map', async () => {
    const b = await loadOnnxBackbone(dinoReg, { size: 42 })
    expect(b.describe().description).toMatch(/5 CLS\/register token/)
    const [map] = await b.extract([patchImage(42, 14)])
    expect([map!.channels, map!.height, map!.width]).toEqual([6, 3, 3])
    const marker = map!.data.subarray(5 * 9, 6 * 9)
    expect(Array.from(marker)).toEqual(new Array(9).fill(0))
    b.dispose()
  })

  it('defaults to a 224 input for dynamic sizes and refuses sizes off the patch grid', async () => {
    const b = await loadOnnxBackbone(dino)
    expect(b.describe()).toMatchObject({ inputSize: 224, grid: { height: 16, width: 16 } })
    b.dispose()
    await expect(loadOnnxBackbone(dino, { size: 50 })).rejects.toThrow(`${dino}: input size 50 is not a multiple of the ViT patch 14`)
  })

  it('reads the output named, and refuses unknown names and ranks it cannot map', async () => {
    await expect(loadOnnxBackbone(dinoReg, { size: 42, output: 'nope' })).rejects.toThrow(
      `${dinoReg}: no output named nope (outputs: last_hidden_state, pooler_output)`,
    )
    await expect(loadOnnxBackbone(dinoReg, { size: 42, output: 'pooler_output' })).rejects.toThrow(
      new RegExp(`${dinoReg}: output pooler_output has rank 2 .*supported are 3 .* and 4`),
    )
    const pooled = writeModel(dir.path, 'pooled.onnx', pooledModel())
    await expect(loadOnnxBackbone(pooled, { size: 32 })).rejects.toThrow(/pooled\.onnx: output logits has rank 2/)
  })

  it('runs a real attention stack (a one-block ViT) into a unit-norm patch map', async () => {
    const vit = writeModel(dir.path, 'vit.onnx', vitLikeModel({ depth: 1, dim: 32, heads: 2 }))
    const b = await loadOnnxBackbone(vit, { size: 56 })
    expect(b.describe()).toMatchObject({ channels: 32, grid: { height: 4, width: 4 }, stride: 14 })
    const [map] = await b.extract([patchImage(56, 14)])
    for (let p = 0; p < 16; p++) expect(Math.hypot(...cell(map!, Math.floor(p / 4), p % 4))).toBeCloseTo(1, 5)
    // Different patches, different features: the tokens were not collapsed or mixed up with CLS.
    expect(cell(map!, 0, 0)).not.toEqual(cell(map!, 3, 3))
    b.dispose()
  })

  it('batches several images and matches one-by-one results', async () => {
    const b = await loadOnnxBackbone(dino, { size: 28 })
    const images = [0, 1, 2, 3, 4].map((k) => {
      const img = patchImage(28, 14)
      img.data.forEach((v, i) => (img.data[i] = (v + 37 * k) % 256))
      return img
    })
    const together = await b.extract(images)
    const alone = await b.extract([images[4]!])
    expect(together).toHaveLength(5)
    expect(Array.from(together[4]!.data)).toEqual(Array.from(alone[0]!.data))
    expect(Array.from(together[0]!.data)).not.toEqual(Array.from(together[1]!.data))
    b.dispose()
  })
})

describe('ONNX conv-map backbone', () => {
  it('reads an NCHW map: stride from the map size, unit normalisation', async () => {
    const b = await loadOnnxBackbone(conv, { size: 64, normalization: 'unit' })
    expect(b.describe()).toMatchObject({ channels: 4, grid: { height: 8, width: 8 }, stride: 8, layers: ['features'] })
    const [map] = await b.extract([patchImage(64, 8)])
    const [i, j] = [5, 2]
    const expected = unit([...[20 + 50 * j, 30 + 40 * i, 200 - 30 * i - 20 * j].map((v) => v / 255), 0.5])
    cell(map!, i, j).forEach((v, c) => expect(v).toBeCloseTo(expected[c]!, 5))
    for (let p = 0; p < 64; p++) expect(Math.hypot(...cell(map!, Math.floor(p / 8), p % 8))).toBeCloseTo(1, 5)
    b.dispose()
  })

  it('refuses images of the wrong size and use after dispose', async () => {
    const b = await loadOnnxBackbone(conv, { size: 64 })
    await expect(b.extract([patchImage(56, 8)])).rejects.toThrow(/input 0 is 56 x 56, expected 64 x 64/)
    b.dispose()
    await expect(b.extract([patchImage(64, 8)])).rejects.toThrow(/disposed/)
  })
})

describe('ONNX loading errors name the file and the problem', () => {
  it('missing file', async () => {
    const path = join(dir.path, 'absent.onnx')
    await expect(loadOnnxBackbone(path)).rejects.toThrow(`${path}: ONNX model file not found`)
  })

  it('not an ONNX model', async () => {
    const path = join(dir.path, 'text.onnx')
    writeFileSync(path, 'this is not a protobuf, just some text\n'.repeat(20))
    await expect(loadOnnxBackbone(path)).rejects.toThrow(new RegExp(`${path}: not an ONNX model \\(protobuf parse failure`))
  })

  it('no 4-D float input', async () => {
    const path = writeModel(dir.path, 'vector.onnx', vectorModel())
    await expect(loadOnnxBackbone(path)).rejects.toThrow(`${path}: no 4-D float input to feed images to (inputs: x float32 [batch, 8])`)
  })

  it('a file over the size limit', async () => {
    await expect(loadOnnxBackbone(dino, { maxBytes: 1000 })).rejects.toThrow(new RegExp(`${dino}: \\d+ bytes is over the 1000-byte limit`))
  })
})

describe('ONNX execution providers and settings', () => {
  it('falls back to CPU and says why CUDA was not used', async () => {
    const b = await loadOnnxBackbone(dino, { size: 28, providers: ['cuda', 'cpu'] })
    const info = b.describe()
    if (info.backend === 'onnx-cpu') expect(info.notes.join('\n')).toMatch(/onnx cuda (not used|failed)/)
    else expect(info.backend).toBe('onnx-cuda')
    b.dispose()
  })

  it.runIf(providerUnavailable('cuda') !== null)('refuses when no requested provider can run', async () => {
    await expect(loadOnnxBackbone(dino, { providers: ['cuda'] })).rejects.toThrow(
      new RegExp(`${dino}: none of the execution providers cuda can run here .*libonnxruntime_providers_cuda`),
    )
  })

  it('hashes the file content and every setting that changes the output', async () => {
    const copy = join(dir.path, 'copy-of-dino.onnx')
    copyFileSync(dino, copy)
    const hash = async (path: string, options: object): Promise<string> => {
      const b = await createBackbone(path, options)
      b.dispose()
      return b.settingsHash
    }
    const base = await hash(dino, { size: 28 })
    expect(await hash(copy, { size: 28 })).toBe(base)
    expect(await hash(dino, { size: 28, providers: ['cpu'] })).toBe(base)
    expect(await hash(dino, { size: 42 })).not.toBe(base)
    expect(await hash(dino, { size: 28, normalization: 'unit' })).not.toBe(base)
    expect(await hash(dinoReg, { size: 28 })).not.toBe(base)
  })
})
