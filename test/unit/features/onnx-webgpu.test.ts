import { afterAll, describe, expect, it } from 'vitest'
import { loadOnnxBackbone } from '../../../src/main/features/backbones/onnx-backbone'
import { onnxProvidersFor } from '../../../src/main/features/backbones/onnx-providers'
import type { RgbImage } from '../../../src/main/images/rgb-image'
import { convMapModel, vitLikeModel, writeModel } from '../../helpers/onnx-model'
import { useSoftwareGpu } from '../../helpers/software-gpu'
import { tempDir } from '../../helpers/temp-dir'

// onnxruntime-node bundles its own Dawn: SwiftShader's Vulkan driver gives it an adapter here.
useSoftwareGpu()

const dir = tempDir()
afterAll(() => dir.remove())

function noiseImage(size: number, seed: number): RgbImage {
  let s = seed
  const data = Uint8Array.from({ length: size * size * 3 }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24))
  return { width: size, height: size, data }
}

describe('ONNX backbones on onnxruntime\'s WebGPU provider (SwiftShader)', () => {
  it('takes the providers from the device choice: auto leaves a software adapter, gpu never falls back to the CPU', async () => {
    expect(await onnxProvidersFor('cpu')).toEqual(['cpu'])
    expect(await onnxProvidersFor('auto')).toEqual(['cuda', 'cpu'])
    expect(await onnxProvidersFor('gpu')).toEqual(['webgpu'])
  })

  for (const [name, bytes, size] of [
    ['a conv map', convMapModel(8), 64],
    ['a two-block ViT (attention, layer norm, GELU)', vitLikeModel({ depth: 2, dim: 64, heads: 4, seed: 3 }), 112],
  ] as const) {
    it(`gives the CPU provider's features within float32 rounding: ${name}`, async () => {
      const path = writeModel(dir.path, `${name.length}.onnx`, bytes)
      const cpu = await loadOnnxBackbone(path, { size, providers: ['cpu'] })
      const gpu = await loadOnnxBackbone(path, { size, providers: ['webgpu'] })
      expect(gpu.describe().backend).toBe('onnx-webgpu')
      expect(gpu.settingsHash).toBe(cpu.settingsHash)
      const images = [noiseImage(size, 1), noiseImage(size, 2)]
      const [a, b] = [await cpu.extract(images), await gpu.extract(images)]
      let worst = 0
      a.forEach((m, k) => m.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[k]!.data[i]!)))))
      expect(worst).toBeLessThan(1e-5)
      cpu.dispose()
      gpu.dispose()
    })
  }
})
