import { describe, it } from 'vitest'
import { GpuFeatureField } from '../../../../src/main/engine/gpu/field-batch'
import { createMlp, mlpBackward, mlpForward, mlpParams } from '../../../../src/main/engine/math/mlp'
import { SeededRandom } from '../../../../src/main/engine/math/seeded-random'
import { useSoftwareGpuDevice } from '../../../helpers/software-gpu-device'
import { expectClose } from './expect-close'

const gpuDevice = useSoftwareGpuDevice()

describe('the feature field on the GPU (SwiftShader, f32) against math/mlp', () => {
  it('forward: features and norms; backward: input gradients and each shard\'s weight gradients', async () => {
    const rng = new SeededRandom(5)
    // Two hidden layers, so that a ReLU sits between hidden layers too.
    const mlp = createMlp({ name: 'field', sizes: [9, 16, 12, 5], lr: 0.01, rng })
    for (const p of mlpParams(mlp)) for (let q = 0; q < p.value.length; q++) p.value[q] = p.value[q]! + 0.1 * rng.normal()
    const points = 70
    const x = Float64Array.from({ length: points * 9 }, () => rng.normal())
    const device = gpuDevice()
    const field = await GpuFeatureField.create(device, mlp)
    await field.forward(x, points)
    const { out, tape } = mlpForward(mlp, x, points)
    const gpu = await field.readOutput()
    expectClose(gpu.features, out, 1e-5, 'features')
    const norms = Array.from({ length: points }, (_, p) => Math.hypot(...out.subarray(p * 5, (p + 1) * 5)))
    expectClose(gpu.norms, norms, 1e-5, 'norms')

    // Rows of zero gradient (hidden vertices) are part of the batch, as in training.
    const dOut = Float64Array.from({ length: points * 5 }, (_, q) => (Math.floor(q / 5) % 3 === 0 ? 0 : rng.normal()))
    const source = device.createBuffer({ size: dOut.length * 4 + 64, usage: 0x80 | 0x04 | 0x08 })
    device.queue.writeBuffer(source, 64, Float32Array.from(dOut))
    const shardEnds = [30, points]
    const { inputs, weights } = await field.backward(source, 64, 0.25, shardEnds)
    source.destroy()
    const scaled = dOut.map((g) => 0.25 * g)
    expectClose(inputs, mlpBackward(mlp, tape, scaled, false), 1e-5, 'input gradients')
    shardEnds.forEach((end, s) => {
      const start = s === 0 ? 0 : shardEnds[s - 1]!
      const shardOut = scaled.map((g, q) => (q >= start * 5 && q < end * 5 ? g : 0))
      for (const p of mlpParams(mlp)) p.grad.fill(0)
      mlpBackward(mlp, tape, shardOut)
      const cpu = mlpParams(mlp).flatMap((p) => Array.from(p.grad))
      expectClose(weights[s]!, cpu, 1e-5, `weight gradients of shard ${s}`)
    })
    field.destroy()
  })
})
