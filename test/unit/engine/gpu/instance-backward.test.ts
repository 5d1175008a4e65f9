import { describe, expect, it } from 'vitest'
import { GpuInstanceBackward } from '../../../../src/main/engine/gpu/instance-backward'
import { categoryForward, createCategoryModel, instanceBackward, instanceForward } from '../../../../src/main/engine/model/category-model'
import { resolveConfig } from '../../../../src/main/engine/model/config'
import { SeededRandom } from '../../../../src/main/engine/math/seeded-random'
import { useSoftwareGpuDevice } from '../../../helpers/software-gpu-device'
import { expectClose } from './expect-close'

const gpuDevice = useSoftwareGpuDevice()

// The gradient is category-model instanceBackward's (checked against finite differences in
// model-gradients.test.ts); this pins the kernels to it.
describe('the instance backward pass on the GPU (SwiftShader, f32) against category-model instanceBackward', () => {
  it('each group\'s gV0, gB and feature gradients and each image\'s code gradient, for semagic', async () => {
    const rng = new SeededRandom(9)
    const C = 4
    const model = createCategoryModel(resolveConfig({ variant: 'semagic', templateLevel: 1, codeDims: 3 }), C, [0.35, 0.7, 1], rng, null)
    for (let q = 0; q < model.basis!.value.length; q++) model.basis!.value[q] = 0.1 * rng.normal()
    const shape = categoryForward(model)
    const n = model.template.vertexCount
    const K = 3
    const images = 5
    const groupEnds = [2, images]
    const scale = 0.25
    const z = Float64Array.from({ length: images * K }, () => rng.normal())
    // Some vertices get no view gradient (hidden), as in training.
    const gV = Float64Array.from({ length: images * 3 * n }, (_, q) => (Math.floor(q / 3) % 4 === 0 ? 0 : rng.normal()))
    const gQ = Float64Array.from({ length: images * n * C }, () => rng.normal())
    const gD = Float64Array.from({ length: images * 3 * n }, () => rng.normal())

    const device = gpuDevice()
    const source = device.createBuffer({ size: 64 + 4 * (gV.length + gQ.length), usage: 0x80 | 0x04 | 0x08 })
    device.queue.writeBuffer(source, 64, Float32Array.from([...gV, ...gQ]))
    const kernels = await GpuInstanceBackward.create(device, n, K, C)
    const gpu = await kernels.run({ buffer: source, vertices: 64, features: 64 + 4 * gV.length }, gD, z, shape.B, scale, groupEnds)
    const again = await kernels.run({ buffer: source, vertices: 64, features: 64 + 4 * gV.length }, gD, z, shape.B, scale, groupEnds)
    source.destroy()
    kernels.destroy()

    const cpuGz = new Float64Array(images * K)
    groupEnds.forEach((end, s) => {
      const start = s === 0 ? 0 : groupEnds[s - 1]!
      const category = { gV0: new Float64Array(3 * n), gB: new Float64Array(3 * n * K) }
      model.features!.grad.fill(0)
      for (let b = start; b < end; b++) {
        const zb = z.subarray(b * K, (b + 1) * K)
        const inst = instanceForward(model, shape, zb)
        const part = (a: Float64Array, size: number): Float64Array => a.slice(b * size, (b + 1) * size).map((g) => scale * g)
        instanceBackward(model, shape, inst, zb, 0, { gV: part(gV, 3 * n), gD: part(gD, 3 * n), gQ: part(gQ, n * C), category, gz: cpuGz, gzOffset: b * K })
      }
      expectClose(gpu.groups[s]!.gV0, category.gV0, 1e-5, `gV0 of group ${s}`)
      expectClose(gpu.groups[s]!.gB, category.gB, 1e-5, `gB of group ${s}`)
      expectClose(gpu.groups[s]!.features, model.features!.grad, 1e-5, `feature gradients of group ${s}`)
    })
    expectClose(gpu.gz, cpuGz, 1e-5, 'code gradients')
    // Fixed summation orders: the same inputs give the same bits.
    expect(Array.from(again.gz)).toEqual(Array.from(gpu.gz))
    expect(Array.from(again.groups[1]!.gB)).toEqual(Array.from(gpu.groups[1]!.gB))
  })
})
