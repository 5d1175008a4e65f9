import { describe, expect, it } from 'vitest'
import { AZIMUTH, CAMERA_SIZE, ELEVATION, LOG_SCALE, ROLL, cameraRotation } from '../../../../src/main/engine/camera/view-camera'
import { GpuResidentTrainer } from '../../../../src/main/engine/gpu/resident-trainer'
import { Param } from '../../../../src/main/engine/math/adam'
import { fourierEncode } from '../../../../src/main/engine/math/fourier'
import { mlpParams } from '../../../../src/main/engine/math/mlp'
import { SeededRandom } from '../../../../src/main/engine/math/seeded-random'
import { categoryForward, instanceForward } from '../../../../src/main/engine/model/category-model'
import type { EngineConfigInput } from '../../../../src/main/engine/model/config'
import type { TrainState } from '../../../../src/main/engine/train/checkpoint'
import { instanceRegularisers } from '../../../../src/main/engine/train/image-step'
import { planStep } from '../../../../src/main/engine/train/shards'
import { startTraining, trainStep } from '../../../../src/main/engine/train/train-category'
import { edgeUniformityEnergy } from '../../../../src/main/engine/template/edge-lengths'
import { laplacianEnergy } from '../../../../src/main/engine/template/laplacian'
import { useSoftwareGpuDevice } from '../../../helpers/software-gpu-device'
import { randomViews, syntheticObject } from '../synthetic-views'
import { expectClose } from './expect-close'

const gpuDevice = useSoftwareGpuDevice()

/** Small for SwiftShader; 3 hypotheses for a start without exact ties (docs/experiments/gpu-cpu-parity.md). */
const SMALL: EngineConfigInput = { steps: 20, batchSize: 4, hypotheses: 3, seed: 4, templateLevel: 2, featureWeightRamp: 0.2 }
const data = randomViews(syntheticObject(2, true), 8, 1)

/** A fresh state whose basis (or deformation field's output layer) is not zero, so that the deformation terms and their gradients are. */
function started(extra: EngineConfigInput = {}): ReturnType<typeof startTraining> {
  const out = startTraining(data, { ...SMALL, ...extra })
  const rng = new SeededRandom(3)
  const { basis, deformationField } = out.state.model
  const values = basis ? basis.value : deformationField!.layers[deformationField!.layers.length - 1]!.weight.value
  const scale = basis ? 0.05 : 0.01
  for (let q = 0; q < values.length; q++) values[q] = scale * rng.normal()
  return out
}

function tensors(state: TrainState): Param[] {
  const { model } = state
  return [model.shape, ...(model.basis ? [model.basis] : mlpParams(model.deformationField!)), ...(model.features ? [model.features] : mlpParams(model.featureField!)), state.cameras, state.codes]
}

// The CPU functions are checked against finite differences in model-gradients.test.ts,
// edge-lengths.test.ts and the like; these pin the kernels to them.
describe('the resident trainer\'s kernels (SwiftShader, f32) against the CPU engine', () => {
  it('refuses what it does not run (the shard executor does), naming it', async () => {
    for (const extra of [{ articulation: { parts: 2 } }, { variant: 'baseline', weights: { normalShape: 1 } }] as EngineConfigInput[]) {
      const { state, targets } = startTraining(data, { ...SMALL, ...extra })
      await expect(GpuResidentTrainer.create(gpuDevice(), state, targets)).rejects.toThrow(/GPU resident trainer: .* is not supported/)
    }
  })

  it('the category and instance forward passes, the cameras and the regularisers with their gradients', async () => {
    const { state, targets } = started()
    const { model, config, codes } = state
    const n = model.template.vertexCount
    const K = config.codeDims
    const E = model.template.edges.length / 2
    const I = config.batchSize
    const plan = planStep({ ...state, rng: new SeededRandom(state.rng.state()) }, targets)
    const trainer = await GpuResidentTrainer.create(gpuDevice(), state, targets)
    await trainer.step(state, targets)
    // The host's values are the step's inputs until a sync.
    const shape = categoryForward(model)
    expectClose(await trainer.inspect('oV0', 3 * n), shape.V0, 1e-6, 'V0 = sym(P)')
    expectClose(await trainer.inspect('oB', 3 * n * K), shape.B, 1e-6, 'B = sym(basis)')
    expectClose(await trainer.inspect('oRest', E), shape.rest.lengths, 1e-6, 'V0\'s edge lengths')
    const D = await trainer.inspect('oD', I * 3 * n)
    const V = await trainer.inspect('oV', I * 3 * n)
    const N = await trainer.inspect('oN', I * 3 * n)
    const gD = await trainer.inspect('oGD', I * 3 * n)
    const red = await trainer.inspect('oRed', 4 + 4 * I)
    const w = config.weights
    plan.batch.forEach((row, b) => {
      const inst = instanceForward(model, shape, codes.value, row * K)
      const part = (a: Float32Array): Float32Array => a.subarray(b * 3 * n, (b + 1) * 3 * n)
      expectClose(part(D), inst.D, 1e-5, `D of image ${b}`)
      expectClose(part(V), inst.V, 1e-6, `V of image ${b}`)
      expectClose(part(N), inst.view.normals, 1e-5, `normals of image ${b}`)
      const input = { model, shape, target: targets[row]!, cameras: state.cameras, codes, row, samples: plan.shards[0]!.samples[0]!, weights: plan.weights, gradScale: plan.gradScale, category: null }
      const cpu = instanceRegularisers(input, inst)
      expectClose(part(gD), cpu.gD, 1e-4, `dL/dD of the regularisers of image ${b}`)
      const r = cpu.regularisers
      expectClose(red.subarray(4 + 4 * b, 8 + 4 * b), [r.laplacianDeformation, r.edgeDeformation, r.deformation, r.code], 1e-4, `the regularisers of image ${b}`)
    })
    const gV0 = new Float64Array(3 * n)
    const laplacianShape = laplacianEnergy(model.template, shape.V0, w.laplacianShape, gV0)
    const edgeShape = edgeUniformityEnergy(model.template, shape.V0, w.edgeShape, gV0)
    expectClose(red.subarray(1, 3), [laplacianShape, edgeShape], 1e-4, 'the shape\'s regularisers')
    expectClose(await trainer.inspect('oGV0r', 3 * n), gV0, 1e-4, 'their dL/dV0')
    // The cameras of the first image: its hypotheses and their mirrors, as the view kernels read them.
    const H = config.hypotheses
    const evals = await trainer.inspect('oEval', 2 * H * 16)
    for (let h = 0; h < H; h++) {
      const c = state.cameras.value.subarray((plan.batch[0]! * H + h) * CAMERA_SIZE)
      const s = Math.exp(c[LOG_SCALE]!)
      const tolerance = (config.visibility.tolerancePixels * 2) / (config.visibility.grid * s)
      expectClose(evals.subarray(2 * h * 16, 2 * h * 16 + 13), [...cameraRotation(c[AZIMUTH]!, c[ELEVATION]!, c[ROLL]!), s, c[4]!, c[5]!, tolerance], 1e-6, `camera ${h}`)
      const mirror = cameraRotation(Math.PI - c[AZIMUTH]!, -c[ELEVATION]!, c[ROLL]!)
      expectClose(evals.subarray((2 * h + 1) * 16, (2 * h + 1) * 16 + 9), mirror, 1e-6, `mirror camera ${h}`)
    }
    trainer.destroy()
  })

  it.each(['semagic', 'baseline', 'semagic-i', 'semagic-ii'])('a step\'s gradients follow the CPU engine\'s (%s; Adam\'s first moments after one step: 0.1 g)', async (variant) => {
    // The feature term on from the first step, so that the features have gradients.
    const config = { variant, featureWeightRamp: 0 } as EngineConfigInput
    const gpu = started(config)
    const cpu = started(config)
    const trainer = await GpuResidentTrainer.create(gpuDevice(), gpu.state, gpu.targets)
    await trainer.step(gpu.state, gpu.targets)
    await trainer.sync(gpu.state)
    trainer.destroy()
    trainStep(cpu.state, cpu.targets)
    tensors(gpu.state).forEach((p, k) => {
      const q = tensors(cpu.state)[k]!
      expectClose(p.m, q.m, 2e-3, `${p.name}: first moments`)
      expectClose(p.v, q.v, 4e-3, `${p.name}: second moments`)
      expect(Array.from(p.steps), `${p.name}: step counts`).toEqual(Array.from(q.steps))
    })
  })

  it('the fields\' inputs and the deformation field\'s basis (baseline): gamma(V0), B = sym(G(gamma(V0))), gamma(V) of each image', async () => {
    const { state, targets } = started({ variant: 'baseline' })
    const { model, config, codes } = state
    const n = model.template.vertexCount
    const K = config.codeDims
    const I = config.batchSize
    const plan = planStep({ ...state, rng: new SeededRandom(state.rng.state()) }, targets)
    const trainer = await GpuResidentTrainer.create(gpuDevice(), state, targets)
    await trainer.step(state, targets)
    const shape = categoryForward(model)
    const Fd = 3 + 6 * config.deformationField.frequencies
    const Ff = 3 + 6 * config.featureField.frequencies
    // The encodings of the device's V0 and V (f32 already moves 32 pi V by 1e-5).
    const V0 = await trainer.inspect('oV0', 3 * n)
    expectClose(V0, shape.V0, 1e-6, 'V0')
    expectClose(await trainer.inspect('oEncD', n * Fd), fourierEncode(Float64Array.from(V0), n, config.deformationField.frequencies), 1e-5, 'gamma(V0)')
    expectClose(await trainer.inspect('oB', 3 * n * K), shape.B, 1e-5, 'B = sym(G(gamma(V0)))')
    const encoded = await trainer.inspect('oEncF', I * n * Ff)
    const V = await trainer.inspect('oV', I * 3 * n)
    plan.batch.forEach((row, b) => {
      const inst = instanceForward(model, shape, codes.value, row * K)
      const Vb = V.subarray(b * 3 * n, (b + 1) * 3 * n)
      expectClose(Vb, inst.V, 1e-5, `V of image ${b}`)
      expectClose(encoded.subarray(b * n * Ff, (b + 1) * n * Ff), fourierEncode(Float64Array.from(Vb), n, config.featureField.frequencies), 1e-5, `gamma(V) of image ${b}`)
    })
    trainer.destroy()
  })

  it('Adam on the device is Param.step, per row for the batch\'s cameras and codes, with the mirror switches applied first', async () => {
    // Mirrors chosen by the losses: some switch in these steps.
    const { state, targets } = started({ preferAbove: null, featureWeightRamp: 0 })
    const { config } = state
    const H = config.hypotheses
    const K = config.codeDims
    const I = config.batchSize
    const trainer = await GpuResidentTrainer.create(gpuDevice(), state, targets)
    // Two steps before, so that moments and step counts differ by row.
    await trainer.step(state, targets)
    await trainer.step(state, targets)
    await trainer.sync(state)
    const before = tensors(state).map((p) => {
      const copy = new Param(p.name, p.value.slice(), p.lr, p.rowSize)
      copy.m.set(p.m)
      copy.v.set(p.v)
      copy.steps.set(p.steps)
      return copy
    })
    const { batch } = planStep({ ...state, rng: new SeededRandom(state.rng.state()) }, targets)
    await trainer.step(state, targets)
    const [shape, basis, features, cameras, codes] = before as [Param, Param, Param, Param, Param]
    shape.grad.set(await trainer.inspect('oGS', shape.value.length))
    basis.grad.set(await trainer.inspect('oGB', basis.value.length))
    features.grad.set(await trainer.inspect('oGPhi', features.value.length))
    const flags = await trainer.inspect('oCamFlag', I * H * (1 + 2 * CAMERA_SIZE))
    const gz = await trainer.inspect('oGZ', I * K)
    let switches = 0
    batch.forEach((row, b) => {
      for (let h = 0; h < H; h++) {
        const k = b * H + h
        const o = (row * H + h) * CAMERA_SIZE
        if (flags[k]) {
          switches++
          cameras.value.set(flags.subarray(I * H + k * CAMERA_SIZE, I * H + (k + 1) * CAMERA_SIZE), o)
          cameras.m[o + AZIMUTH] = -cameras.m[o + AZIMUTH]!
          cameras.m[o + ELEVATION] = -cameras.m[o + ELEVATION]!
        }
        cameras.grad.set(flags.subarray(I * H * (1 + CAMERA_SIZE) + k * CAMERA_SIZE, I * H * (1 + CAMERA_SIZE) + (k + 1) * CAMERA_SIZE), o)
      }
      codes.grad.set(gz.subarray(b * K, (b + 1) * K), row * K)
    })
    for (const p of [shape, basis, features]) p.step()
    cameras.step(batch)
    codes.step(batch)
    await trainer.sync(state)
    trainer.destroy()
    tensors(state).forEach((p, k) => {
      const q = before[k]!
      expectClose(p.value, q.value, 1e-6, `${p.name}: values`)
      expectClose(p.m, q.m, 1e-6, `${p.name}: first moments`)
      expectClose(p.v, q.v, 1e-6, `${p.name}: second moments`)
      expect(Array.from(p.steps)).toEqual(Array.from(q.steps))
    })
    expect(switches).toBeGreaterThan(0)
  })
})
