import { onnx } from 'onnx-proto'
import { InferenceSession, Tensor } from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { encodeOnnxModel } from '../../../src/main/features/onnx-export/onnx-writer'

const model = (): Uint8Array =>
  encodeOnnxModel({
    name: 'g',
    producer: 'test',
    opset: 18,
    nodes: [
      { op: 'Pad', inputs: ['x', 'pads'], outputs: ['padded'] },
      { op: 'Clip', inputs: ['padded', 'lo', 'hi'], outputs: ['y'] },
      { op: 'ReduceL2', inputs: ['y', 'axes'], outputs: ['n'], attributes: [{ name: 'keepdims', int: 1 }] },
      { op: 'Resize', inputs: ['y', '', '', 'size'], outputs: ['r'], attributes: [{ name: 'axes', ints: [2, 3] }, { name: 'mode', string: 'nearest' }] },
      { op: 'LeakyRelu', inputs: ['x'], outputs: ['leaky'], attributes: [{ name: 'alpha', float: 0.5 }] },
    ],
    initializers: [
      { name: 'pads', dims: [8], int64: [0, 0, 1, 0, 0, 0, 0, -1] },
      { name: 'lo', dims: [], float32: new Float32Array([-1]) },
      { name: 'hi', dims: [], float32: new Float32Array([2]) },
      { name: 'axes', dims: [1], int64: [1] },
      { name: 'size', dims: [2], int64: [6, 4] },
    ],
    inputs: [{ name: 'x', dims: ['batch', 2, 2, 2] }],
    outputs: [
      { name: 'y', dims: ['batch', 2, 3, 1] },
      { name: 'n', dims: ['batch', 1, 3, 1] },
      { name: 'r', dims: ['batch', 2, 6, 4] },
      { name: 'leaky', dims: ['batch', 2, 2, 2] },
    ],
  })

describe('the ONNX writer', () => {
  it('writes what the reference protobuf decoder reads back', () => {
    interface Attr { name: string; ints?: number[]; s?: string; f?: number }
    interface Decoded {
      irVersion: number
      opsetImport: { domain: string; version: number }[]
      graph: {
        node: { opType: string; attribute?: Attr[] }[]
        initializer: { int64Data?: number[] }[]
        input: { type: { tensorType: { shape: { dim: { dimValue?: number; dimParam?: string }[] } } } }[]
      }
    }
    const m = onnx.ModelProto.toObject(onnx.ModelProto.decode(model()), { longs: Number, bytes: String, defaults: true }) as Decoded
    expect(m.irVersion).toBe(8)
    expect(m.opsetImport).toEqual([{ domain: '', version: 18 }])
    const g = m.graph
    expect(g.node.map((n) => n.opType)).toEqual(['Pad', 'Clip', 'ReduceL2', 'Resize', 'LeakyRelu'])
    const [axes, mode] = g.node[3]!.attribute!
    expect([axes!.name, axes!.ints]).toEqual(['axes', [2, 3]])
    expect([mode!.name, Buffer.from(mode!.s!, 'base64').toString()]).toEqual(['mode', 'nearest'])
    expect(g.node[4]!.attribute![0]!.f).toBeCloseTo(0.5)
    expect(g.initializer[0]!.int64Data).toEqual([0, 0, 1, 0, 0, 0, 0, -1])
    expect(g.input[0]!.type.tensorType.shape.dim.map((d) => d.dimParam || d.dimValue)).toEqual(['batch', 2, 2, 2])
  })

  it('writes a model onnxruntime runs, negative int64s included', async () => {
    const session = await InferenceSession.create(model())
    const x = new Tensor('float32', Float32Array.from({ length: 8 }, (_, i) => i - 3), [1, 2, 2, 2])
    const out = await session.run({ x })
    // Row 0 padded in, column 1 cut off by the -1 pad, then clipped to [-1, 2].
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0, -1, -1, 0, 1, 2])
    expect(Array.from(out.leaky!.data as Float32Array)).toEqual([-1.5, -1, -0.5, 0, 1, 2, 3, 4])
    expect(out.r!.dims).toEqual([1, 2, 6, 4])
    await session.release()
  })
})
