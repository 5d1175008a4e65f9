import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { onnx } from 'onnx-proto'

/**
 * Tiny ONNX models written from JS (ML-NOTES section 6), small enough to run in tests yet shaped
 * like the real exports: their outputs are exact functions of the input, so tests can check
 * values, not only shapes.
 */

const FLOAT = onnx.TensorProto.DataType.FLOAT
const INT64 = onnx.TensorProto.DataType.INT64

type Dim = number | string

function floats(name: string, dims: number[], values: ArrayLike<number>): onnx.ITensorProto {
  const data = Float32Array.from(values)
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer) }
}

function int64s(name: string, values: number[]): onnx.ITensorProto {
  return { name, dims: [values.length], dataType: INT64, int64Data: values }
}

function valueInfo(name: string, dims: Dim[], elemType = FLOAT): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } },
    },
  }
}

function ints(name: string, values: number[]): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values }
}

function int(name: string, value: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value }
}

function node(opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return { opType, input, output, attribute, name: output[0] }
}

function encode(graph: onnx.IGraphProto): Uint8Array {
  const model = onnx.ModelProto.create({ irVersion: 8, producerName: 'semagic-tests', opsetImport: [{ domain: '', version: 17 }], graph })
  return onnx.ModelProto.encode(model).finish()
}

/**
 * Conv weights whose output channel c < 3 is the mean of input channel c over the k x k
 * window; output channels from 3 on get zero weights and `bias[c]`.
 */
function meanConv(channels: number, k: number, bias: number[]): onnx.ITensorProto[] {
  const w = new Float32Array(channels * 3 * k * k)
  for (let c = 0; c < Math.min(3, channels); c++) w.fill(1 / (k * k), (c * 3 + c) * k * k, (c * 3 + c + 1) * k * k)
  return [floats('W', [channels, 3, k, k], w), floats('B', [channels], Array.from({ length: channels }, (_, c) => bias[c] ?? 0))]
}

export interface DinoLikeOptions {
  /** Token width, >= 4. Channels 0-2 of a patch token are its mean normalised R, G, B; the rest are 0. */
  channels?: number
  /** Register tokens after CLS (DINOv2-reg exports have 4). */
  registers?: number
  /** Adds a rank-2 `pooler_output` [batch, channels] after `last_hidden_state`, as some exports do. */
  pooler?: boolean
}

/**
 * A DINOv2-shaped export: `pixel_values` [batch, 3, height, width] -> Conv(k=14, s=14) ->
 * Reshape -> Transpose -> `last_hidden_state` [batch, 1 + registers + (H/14)(W/14), channels].
 * CLS and register token r are 0 except the last channel, which is 1 + r (CLS: r = 0), a value
 * no patch token has there.
 */
export function dinoLikeModel(options: DinoLikeOptions = {}): Uint8Array {
  const channels = options.channels ?? 4
  const registers = options.registers ?? 0
  const extra = Array.from({ length: 1 + registers }, (_, r) => {
    const v = new Float32Array(channels)
    v[channels - 1] = 1 + r
    return v
  })
  const nodes: onnx.INodeProto[] = [
    node('Conv', ['pixel_values', 'W', 'B'], ['conv'], [ints('kernel_shape', [14, 14]), ints('strides', [14, 14])]),
    node('Reshape', ['conv', 'shape'], ['flat']),
    node('Transpose', ['flat'], ['patches'], [ints('perm', [0, 2, 1])]),
    // A [batch, 1, channels] zero that follows the batch size, to which each constant token is added.
    node('ReduceMean', ['patches'], ['mean'], [ints('axes', [1]), int('keepdims', 1)]),
    node('Mul', ['mean', 'zero'], ['zeros']),
    ...extra.map((_, r) => node('Add', ['zeros', `token${r}`], [`extra${r}`])),
    node('Concat', [...extra.map((_, r) => `extra${r}`), 'patches'], ['last_hidden_state'], [int('axis', 1)]),
  ]
  const outputs = [valueInfo('last_hidden_state', ['batch', 'tokens', channels])]
  if (options.pooler) {
    nodes.push(node('ReduceMean', ['last_hidden_state'], ['pooler_output'], [ints('axes', [1]), int('keepdims', 0)]))
    outputs.push(valueInfo('pooler_output', ['batch', channels]))
  }
  return encode({
    name: 'dino-like',
    node: nodes,
    initializer: [
      ...meanConv(channels, 14, []),
      int64s('shape', [0, channels, -1]),
      floats('zero', [1], [0]),
      ...extra.map((v, r) => floats(`token${r}`, [1, 1, channels], v)),
    ],
    input: [valueInfo('pixel_values', ['batch', 3, 'height', 'width'])],
    output: outputs,
  })
}

/**
 * A plain conv backbone: `images` [batch, 3, height, width] -> `features` [batch, 4, H/stride,
 * W/stride], channels 0-2 the window's mean normalised R, G, B, channel 3 a constant 0.5.
 */
export function convMapModel(stride = 8): Uint8Array {
  return encode({
    name: 'conv-map',
    node: [node('Conv', ['images', 'W', 'B'], ['features'], [ints('kernel_shape', [stride, stride]), ints('strides', [stride, stride])])],
    initializer: meanConv(4, stride, [0, 0, 0, 0.5]),
    input: [valueInfo('images', ['batch', 3, 'height', 'width'])],
    output: [valueInfo('features', ['batch', 4, 'h', 'w'])],
  })
}

/** A model with no image-shaped input: `x` [batch, 8] -> Relu -> `y`. */
export function vectorModel(): Uint8Array {
  return encode({
    name: 'vector',
    node: [node('Relu', ['x'], ['y'])],
    input: [valueInfo('x', ['batch', 8])],
    output: [valueInfo('y', ['batch', 8])],
  })
}

/** A classifier-like model: image -> Conv -> global mean -> `logits` [batch, 4] (rank 2). */
export function pooledModel(): Uint8Array {
  return encode({
    name: 'pooled',
    node: [
      node('Conv', ['images', 'W', 'B'], ['conv'], [ints('kernel_shape', [8, 8]), ints('strides', [8, 8])]),
      node('ReduceMean', ['conv'], ['logits'], [ints('axes', [2, 3]), int('keepdims', 0)]),
    ],
    initializer: meanConv(4, 8, []),
    input: [valueInfo('images', ['batch', 3, 'height', 'width'])],
    output: [valueInfo('logits', ['batch', 4])],
  })
}

export interface VitOptions {
  depth: number
  dim: number
  heads: number
  /** Seed of the random weights. */
  seed?: number
}

/**
 * A DINOv2-shaped ViT with patch 14 and random weights: the same operations and FLOPs as the
 * real export of that size (ViT-S/14: depth 12, dim 384, heads 6), for timing onnxruntime
 * where the real weights cannot be downloaded. No position embedding, so any input size
 * that is a multiple of 14 runs; it changes nothing measurable in the cost.
 */
export function vitLikeModel(options: VitOptions): Uint8Array {
  const { depth, dim, heads } = options
  const headDim = dim / heads
  let state = (options.seed ?? 1) >>> 0
  const noise = (n: number, scale: number): Float32Array =>
    Float32Array.from({ length: n }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      return (state / 4294967296 - 0.5) * 2 * scale
    })
  const inits: onnx.ITensorProto[] = [
    floats('patch_W', [dim, 3, 14, 14], noise(dim * 3 * 196, 0.05)),
    floats('patch_B', [dim], noise(dim, 0.01)),
    int64s('flat_shape', [0, dim, -1]),
    int64s('head_shape', [0, -1, heads, headDim]),
    int64s('merge_shape', [0, -1, dim]),
    floats('cls', [1, 1, dim], noise(dim, 0.5)),
    floats('zero', [1], [0]),
    floats('scale', [1], [1 / Math.sqrt(headDim)]),
    floats('half', [1], [0.5]),
    floats('one', [1], [1]),
    floats('sqrt2', [1], [Math.SQRT2]),
    floats('ln_g', [dim], new Float32Array(dim).fill(1)),
    floats('ln_b', [dim], new Float32Array(dim)),
  ]
  const nodes: onnx.INodeProto[] = [
    node('Conv', ['pixel_values', 'patch_W', 'patch_B'], ['conv'], [ints('kernel_shape', [14, 14]), ints('strides', [14, 14])]),
    node('Reshape', ['conv', 'flat_shape'], ['flat']),
    node('Transpose', ['flat'], ['patches'], [ints('perm', [0, 2, 1])]),
    node('ReduceMean', ['patches'], ['mean'], [ints('axes', [1]), int('keepdims', 1)]),
    node('Mul', ['mean', 'zero'], ['zeros']),
    node('Add', ['zeros', 'cls'], ['cls_token']),
    node('Concat', ['cls_token', 'patches'], ['x0'], [int('axis', 1)]),
  ]
  const linear = (x: string, name: string, din: number, dout: number): string => {
    inits.push(floats(`${name}_W`, [din, dout], noise(din * dout, 1 / Math.sqrt(din))), floats(`${name}_B`, [dout], noise(dout, 0.01)))
    nodes.push(node('MatMul', [x, `${name}_W`], [`${name}_mm`]), node('Add', [`${name}_mm`, `${name}_B`], [name]))
    return name
  }
  const norm = (x: string, name: string): string => {
    nodes.push(node('LayerNormalization', [x, 'ln_g', 'ln_b'], [name], [int('axis', -1)]))
    return name
  }
  let x = 'x0'
  for (let l = 0; l < depth; l++) {
    const p = `b${l}`
    const h = norm(x, `${p}_ln1`)
    const [q, k, v] = ['q', 'k', 'v'].map((n) => {
      nodes.push(node('Reshape', [linear(h, `${p}_${n}`, dim, dim), 'head_shape'], [`${p}_${n}_heads`]))
      return `${p}_${n}_heads`
    }) as [string, string, string]
    nodes.push(
      node('Transpose', [q], [`${p}_qt`], [ints('perm', [0, 2, 1, 3])]),
      node('Transpose', [k], [`${p}_kt`], [ints('perm', [0, 2, 3, 1])]),
      node('Transpose', [v], [`${p}_vt`], [ints('perm', [0, 2, 1, 3])]),
      node('MatMul', [`${p}_qt`, `${p}_kt`], [`${p}_logits`]),
      node('Mul', [`${p}_logits`, 'scale'], [`${p}_scaled`]),
      node('Softmax', [`${p}_scaled`], [`${p}_attn`], [int('axis', -1)]),
      node('MatMul', [`${p}_attn`, `${p}_vt`], [`${p}_ctx`]),
      node('Transpose', [`${p}_ctx`], [`${p}_ctx_t`], [ints('perm', [0, 2, 1, 3])]),
      node('Reshape', [`${p}_ctx_t`, 'merge_shape'], [`${p}_merged`]),
    )
    nodes.push(node('Add', [x, linear(`${p}_merged`, `${p}_proj`, dim, dim)], [`${p}_res1`]))
    const hidden = linear(norm(`${p}_res1`, `${p}_ln2`), `${p}_fc1`, dim, 4 * dim)
    // GELU(x) = x * 0.5 * (1 + erf(x / sqrt 2)), as DINOv2's MLP uses.
    nodes.push(
      node('Div', [hidden, 'sqrt2'], [`${p}_g1`]),
      node('Erf', [`${p}_g1`], [`${p}_g2`]),
      node('Add', [`${p}_g2`, 'one'], [`${p}_g3`]),
      node('Mul', [`${p}_g3`, 'half'], [`${p}_g4`]),
      node('Mul', [hidden, `${p}_g4`], [`${p}_gelu`]),
    )
    nodes.push(node('Add', [`${p}_res1`, linear(`${p}_gelu`, `${p}_fc2`, 4 * dim, dim)], [`${p}_out`]))
    x = `${p}_out`
  }
  nodes.push(node('LayerNormalization', [x, 'ln_g', 'ln_b'], ['last_hidden_state'], [int('axis', -1)]))
  return encode({
    name: 'vit-like',
    node: nodes,
    initializer: inits,
    input: [valueInfo('pixel_values', ['batch', 3, 'height', 'width'])],
    output: [valueInfo('last_hidden_state', ['batch', 'tokens', dim])],
  })
}

export function writeModel(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}
