import { describe, expect, it } from 'vitest'
import { AZIMUTH, CAMERA_SIZE, ELEVATION, LOG_SCALE, ROLL, cameraRotation } from '../../../../src/main/engine/camera/view-camera'
import { GpuResidentTrainer } from '../../../../src/main/engine/gpu/resident-trainer'
import { Param } from '../../../../src/main/engine/math/adam'
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

/** A fresh state whose basis is not zero, so that the deformation terms and their gradients are. */
function started(extra: EngineConfigInput = {}): ReturnType<typeof startTraining> {
  const out = startTraining(data, { ...SMALL, ...extra })
  const rng = new SeededRandom(3)
  const basis = out.state.model.basis!.value
  for (let q = 0; q < basis.length; q++) basis[q] = 0.05 * rng.normal()
  return out
}

function tensors(state: TrainState): Param[] {
  return [state.model.shape, state.model.basis!, state.model.features!, state.cameras, state.codes]
}

// The CPU functions are checked against finite differences in model-gradients.test.ts,
// edge-lengths.test.ts and the like; these pin the kernels to them.
describe('the resident trainer\'s kernels (SwiftShader, f32) against the CPU engine', () => {
  it('refuses what it does not run (the shard executor does), naming it', async () => {
    for (const extra of [{ variant: 'baseline' }, { articulation: { parts: 2 } }, { weights: { normalShape: 1 } }] as EngineConfigInput[]) {
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

  it('a step\'s gradients follow the CPU engine\'s (Adam\'s first moments after one step: 0.1 g)', async () => {
    // The feature term on from the first step, so that the features have gradients.
    const gpu = started({ featureWeightRamp: 0 })
    const cpu = started({ featureWeightRamp: 0 })
    const trainer = await GpuResidentTrainer.create(gpuDevice(), gpu.state, gpu.targets)
    await trainer.step(gpu.state, gpu.targets)
    await trainer.sync(gpu.state)
    trainer.destroy()
    trainStep(cpu.state, cpu.targets)
    const names = ['shape', 'basis', 'features', 'cameras', 'codes']
    tensors(gpu.state).forEach((p, k) => {
      const q = tensors(cpu.state)[k]!
      expectClose(p.m, q.m, 2e-3, `${names[k]}: first moments`)
      expectClose(p.v, q.v, 4e-3, `${names[k]}: second moments`)
      expect(Array.from(p.steps), `${names[k]}: step counts`).toEqual(Array.from(q.steps))
    })
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
