import { describe, expect, it } from 'vitest'
import { fitImagesOnGpu } from '../../../../src/main/engine/gpu/gpu-fit'
import { fitImageCandidates } from '../../../../src/main/engine/infer/fit-image'
import type { EngineConfigInput } from '../../../../src/main/engine/model/config'
import { trainCategory } from '../../../../src/main/engine/train/train-category'
import type { TrainingData } from '../../../../src/main/engine/train/training-data'
import { useSoftwareGpuDevice } from '../../../helpers/software-gpu-device'
import { randomViews, syntheticObject } from '../synthetic-views'

const object = syntheticObject(2, true)

const views = (count: number, seed: number): TrainingData => randomViews(object, count, seed)

/**
 * Level-2 template, 3 hypotheses: their first azimuths (0, 120, -120 degrees) avoid the
 * template's planes of symmetry, where float64 and f32 break exact ties differently
 * (docs/experiments/gpu-cpu-parity.md).
 */
const SMALL: EngineConfigInput = { steps: 4, batchSize: 3, hypotheses: 3, seed: 4, templateLevel: 2 }
const STEPS = 12

const gpuDevice = useSoftwareGpuDevice()

describe('fits of a trained model on the GPU (SwiftShader) against the CPU fit', () => {
  it.each([
    ['semagic', {}],
    ['baseline (the feature field on the device)', { variant: 'baseline' }],
  ] as [string, EngineConfigInput][])('%s: three images fitted together keep the CPU fits\' hypotheses, losses within f32 rounding', { timeout: 60_000 }, async (_name, extra) => {
    const { model } = await trainCategory(views(6, 1), { ...SMALL, ...extra })
    const images = views(3, 2).images
    const gpu = await fitImagesOnGpu(gpuDevice(), model, images, { steps: STEPS })
    images.forEach((image, k) => {
      const cpu = fitImageCandidates(model, image, { steps: STEPS })
      const g = gpu[k]!
      expect(g.best.hypothesis).toBe(cpu.best.hypothesis)
      expect(g.candidates.length).toBe(cpu.candidates.length)
      expect(Math.abs(g.best.loss.total - cpu.best.loss.total)).toBeLessThanOrEqual(1e-5 * cpu.best.loss.total)
      g.candidates.forEach((c, i) => expect(Math.abs(c.loss.total - cpu.candidates[i]!.loss.total), `candidate ${i}`).toBeLessThanOrEqual(1e-5 * cpu.candidates[i]!.loss.total))
      expect(g.best.pose.azimuth).toBeCloseTo(cpu.best.pose.azimuth, 3)
    })
  })
})
