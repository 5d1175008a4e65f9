import { readdirSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { loadPretrainedBackbone } from '../../../src/main/features/backbones/pretrained-backbone'
import { loadPretrainedOnnxBackbone } from '../../../src/main/features/backbones/pretrained-onnx-backbone'
import type { PretrainedId } from '../../../src/main/features/backbones/pretrained-models'
import type { FeatureMap } from '../../../src/main/features/backbones/types'
import type { RgbImage } from '../../../src/main/images/rgb-image'
import { tempDir } from '../../helpers/temp-dir'
import { expectDeterministicWithoutLeaks } from './pretrained-checks'
import { texturedAnimal, twoCrops } from './textured-object'

const dir = tempDir('semagic-models-')
afterAll(() => dir.remove())

/** Largest |a - b| over all values, and the smallest per-cell cosine of two unit-cell maps. */
function compare(a: FeatureMap, b: FeatureMap): { maxAbs: number; minCos: number } {
  const cells = a.height * a.width
  let maxAbs = 0
  let minCos = 1
  for (let p = 0; p < cells; p++) {
    let dot = 0
    for (let c = 0; c < a.channels; c++) {
      const x = a.data[c * cells + p]!
      const y = b.data[c * cells + p]!
      dot += x * y
      maxAbs = Math.max(maxAbs, Math.abs(x - y))
    }
    minCos = Math.min(minCos, dot)
  }
  return { maxAbs, minCos }
}

/** Three different images: two crops of the textured animal and a noise image. */
function images(size: number): RgbImage[] {
  const { a, b } = twoCrops(texturedAnimal(), size)
  let s = 7
  const noise = Uint8Array.from({ length: size * size * 3 }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24) & 255)
  return [a, b, { width: size, height: size, data: noise }]
}

describe.each([['inceptionv3'], ['mobilenetv2']] as [PretrainedId][])('%s on onnxruntime', (id) => {
  it('gives the tfjs-wasm features within float32 rounding, under the same settings hash', async () => {
    const tfjs = await loadPretrainedBackbone(id)
    const onnx = await loadPretrainedOnnxBackbone(id, {}, { modelDir: dir.path })
    try {
      expect(onnx.settingsHash).toBe(tfjs.settingsHash)
      const { backend: _a, description: _b, notes: _c, ...shape } = tfjs.describe()
      expect(onnx.describe()).toMatchObject(shape)
      expect(onnx.describe().backend).toBe('onnx-cpu')
      const input = images(tfjs.describe().inputSize)
      const [want, got] = [await tfjs.extract(input), await onnx.extract(input)]
      for (let i = 0; i < input.length; i++) {
        const d = compare(want[i]!, got[i]!)
        // Measured: max |diff| <= 1e-6 and cosines >= 0.99999994 on both models.
        expect(d.maxAbs).toBeLessThan(1e-5)
        expect(d.minCos).toBeGreaterThan(0.999999)
      }
      // The tfjs runtime stays selectable (SEMAGIC_PRETRAINED_RUNTIME=tfjs), so it stays checked.
      await expectDeterministicWithoutLeaks(tfjs, texturedAnimal())
    } finally {
      tfjs.dispose()
      onnx.dispose()
    }
    expect(readdirSync(dir.path).filter((f) => f.startsWith(`${id}-`) && f.endsWith('.onnx'))).toHaveLength(1)
  })
})
