import type { Initializer, OnnxNode } from './onnx-writer'
import { encodeOnnxModel } from './onnx-writer'

/** A Keras functional-model layer as the tfjs model JSON stores it. */
export interface KerasLayer {
  name: string
  class_name: string
  config: Record<string, unknown>
  inbound_nodes: [string, number, number, unknown][][]
}

export interface KerasWeight {
  shape: number[]
  data: Float32Array
}

export interface HypercolumnSpec {
  /** Square input side. */
  size: number
  /** Layers whose outputs form the hypercolumn. */
  layers: readonly string[]
}

export interface ConvertedHypercolumn {
  bytes: Uint8Array
  /** The common grid (the median layer grid, as the tfjs path picks it). */
  grid: [number, number]
  channels: number
  /** Input `pixels` [batch, 3, size, size] in [0, 1]; output `features` [batch, channels, gh, gw]. */
  input: string
  output: string
}

const OPSET = 18
const EPS = 1e-12

interface Shape {
  c: number
  h: number
  w: number
}

/** TF's SAME padding: out = ceil(in / stride), any odd pixel goes after (bottom/right). */
function samePads(size: number, k: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride)
  const total = Math.max((out - 1) * stride + (k - 1) * dilation + 1 - size, 0)
  return [Math.floor(total / 2), total - Math.floor(total / 2)]
}

const pair = (v: unknown, what: string): [number, number] => {
  if (typeof v === 'number') return [v, v]
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return v as [number, number]
  throw new Error(`${what}: expected a number or a pair, got ${JSON.stringify(v)}`)
}

/**
 * Converts the part of a Keras CNN that the hypercolumn layers depend on into an NCHW ONNX
 * graph with the hypercolumn head built in: each layer resized bilinearly (half-pixel centres)
 * to the common grid, L2-normalised per cell (norm floored at 1e-12), concatenated. These are
 * the operations pretrained-backbone.ts runs in tfjs, so both give the same features.
 * Layers the two shipped models use are supported; any other stops the conversion by name.
 */
export function kerasHypercolumnToOnnx(layers: readonly KerasLayer[], weights: ReadonlyMap<string, KerasWeight>, spec: HypercolumnSpec): ConvertedHypercolumn {
  const byName = new Map(layers.map((l) => [l.name, l]))
  const nodes: OnnxNode[] = []
  const inits: Initializer[] = []
  const shapes = new Map<string, Shape>()
  const weight = (layer: string, name: string): KerasWeight => {
    const w = weights.get(`${layer}/${name}`)
    if (!w) throw new Error(`layer ${layer}: weight ${name} is missing`)
    return w
  }
  const addFloat = (name: string, dims: number[], data: Float32Array): string => {
    inits.push({ name, dims, float32: data })
    return name
  }
  const addInt64 = (name: string, values: number[]): string => {
    inits.push({ name, dims: [values.length], int64: values })
    return name
  }

  const convert = (name: string): string => {
    if (shapes.has(name)) return name
    const layer = byName.get(name)
    if (!layer) throw new Error(`no layer named ${name}`)
    const cfg = layer.config
    const inbound = (layer.inbound_nodes[0] ?? []).map(([n]) => convert(n))
    const x = inbound[0]!
    const s = shapes.get(x)!
    const emit = (op: string, inputs: string[], attributes: OnnxNode['attributes'], shape: Shape, output = name): string => {
      nodes.push({ op, inputs, outputs: [output], ...(attributes ? { attributes } : {}) })
      shapes.set(output, shape)
      return output
    }
    const activation = (out: string, shape: Shape): string => {
      const act = cfg.activation ?? 'linear'
      if (act === 'linear') return out
      if (act !== 'relu') throw new Error(`layer ${name}: activation ${String(act)} is not supported`)
      return emit('Relu', [out], undefined, shape)
    }
    switch (layer.class_name) {
      case 'InputLayer':
        shapes.set(name, { c: 3, h: spec.size, w: spec.size })
        nodes.push({ op: 'Identity', inputs: ['pixels'], outputs: [name] })
        return name
      case 'ZeroPadding2D': {
        const [[top, bottom], [left, right]] = cfg.padding as [[number, number], [number, number]]
        const pads = addInt64(`${name}/pads`, [0, 0, top, left, 0, 0, bottom, right])
        return emit('Pad', [x, pads], undefined, { c: s.c, h: s.h + top + bottom, w: s.w + left + right })
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const depthwise = layer.class_name === 'DepthwiseConv2D'
        const [kh, kw] = pair(cfg.kernel_size, `layer ${name} kernel_size`)
        const [sh, sw] = pair(cfg.strides, `layer ${name} strides`)
        const [dh, dw] = pair(cfg.dilation_rate ?? 1, `layer ${name} dilation_rate`)
        const k = weight(name, depthwise ? 'depthwise_kernel' : 'kernel')
        const [, , cin, last] = k.shape as [number, number, number, number]
        const cout = depthwise ? cin * last : last
        // Keras [kh, kw, in, out] (depthwise: [kh, kw, in, multiplier]) to ONNX [out, in / group, kh, kw].
        const w = new Float32Array(cout * (depthwise ? 1 : cin) * kh * kw)
        for (let y = 0; y < kh; y++) {
          for (let xk = 0; xk < kw; xk++) {
            for (let i = 0; i < cin; i++) {
              for (let o = 0; o < last; o++) {
                const v = k.data[((y * kw + xk) * cin + i) * last + o]!
                const [oc, ic] = depthwise ? [i * last + o, 0] : [o, i]
                w[((oc * (depthwise ? 1 : cin) + ic) * kh + y) * kw + xk] = v
              }
            }
          }
        }
        const inputs = [x, addFloat(`${name}/W`, [cout, depthwise ? 1 : cin, kh, kw], w)]
        if (cfg.use_bias) inputs.push(addFloat(`${name}/B`, [cout], weight(name, 'bias').data))
        const [pt, pb] = cfg.padding === 'same' ? samePads(s.h, kh, sh, dh) : [0, 0]
        const [pl, pr] = cfg.padding === 'same' ? samePads(s.w, kw, sw, dw) : [0, 0]
        const out: Shape = { c: cout, h: Math.floor((s.h + pt + pb - (kh - 1) * dh - 1) / sh) + 1, w: Math.floor((s.w + pl + pr - (kw - 1) * dw - 1) / sw) + 1 }
        const conv = emit(
          'Conv',
          inputs,
          [
            { name: 'kernel_shape', ints: [kh, kw] },
            { name: 'strides', ints: [sh, sw] },
            { name: 'dilations', ints: [dh, dw] },
            { name: 'pads', ints: [pt, pl, pb, pr] },
            { name: 'group', int: depthwise ? cin : 1 },
          ],
          out,
          cfg.activation && cfg.activation !== 'linear' ? `${name}/conv` : name,
        )
        return activation(conv, out)
      }
      case 'BatchNormalization': {
        const axis = cfg.axis
        if (axis !== -1 && axis !== 3 && !(Array.isArray(axis) && (axis[0] === 3 || axis[0] === -1))) throw new Error(`layer ${name}: batch norm over axis ${JSON.stringify(axis)} is not supported`)
        const gamma = cfg.scale === false ? new Float32Array(s.c).fill(1) : weight(name, 'gamma').data
        const beta = cfg.center === false ? new Float32Array(s.c) : weight(name, 'beta').data
        return emit(
          'BatchNormalization',
          [x, addFloat(`${name}/gamma`, [s.c], gamma), addFloat(`${name}/beta`, [s.c], beta), addFloat(`${name}/mean`, [s.c], weight(name, 'moving_mean').data), addFloat(`${name}/var`, [s.c], weight(name, 'moving_variance').data)],
          [{ name: 'epsilon', float: Number(cfg.epsilon ?? 1e-3) }],
          s,
        )
      }
      case 'Activation':
        if (cfg.activation !== 'relu') throw new Error(`layer ${name}: activation ${String(cfg.activation)} is not supported`)
        return emit('Relu', [x], undefined, s)
      case 'ReLU': {
        if (Number(cfg.negative_slope ?? 0) !== 0 || Number(cfg.threshold ?? 0) !== 0) throw new Error(`layer ${name}: leaky or thresholded ReLU is not supported`)
        if (cfg.max_value === null || cfg.max_value === undefined) return emit('Relu', [x], undefined, s)
        const lo = addFloat(`${name}/min`, [], new Float32Array([0]))
        const hi = addFloat(`${name}/max`, [], new Float32Array([Number(cfg.max_value)]))
        return emit('Clip', [x, lo, hi], undefined, s)
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const [kh, kw] = pair(cfg.pool_size, `layer ${name} pool_size`)
        const [sh, sw] = pair(cfg.strides ?? cfg.pool_size, `layer ${name} strides`)
        const [pt, pb] = cfg.padding === 'same' ? samePads(s.h, kh, sh, 1) : [0, 0]
        const [pl, pr] = cfg.padding === 'same' ? samePads(s.w, kw, sw, 1) : [0, 0]
        const out: Shape = { c: s.c, h: Math.floor((s.h + pt + pb - kh) / sh) + 1, w: Math.floor((s.w + pl + pr - kw) / sw) + 1 }
        // TF's SAME average leaves the padding out of the count, as ONNX's count_include_pad=0 does.
        const attributes = [
          { name: 'kernel_shape', ints: [kh, kw] },
          { name: 'strides', ints: [sh, sw] },
          { name: 'pads', ints: [pt, pl, pb, pr] },
        ]
        return emit(layer.class_name === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool', [x], attributes, out)
      }
      case 'Concatenate': {
        if (cfg.axis !== -1 && cfg.axis !== 3) throw new Error(`layer ${name}: concatenation over axis ${String(cfg.axis)} is not supported`)
        const c = inbound.reduce((n, t) => n + shapes.get(t)!.c, 0)
        return emit('Concat', inbound, [{ name: 'axis', int: 1 }], { c, h: s.h, w: s.w })
      }
      case 'Add':
        return emit('Sum', inbound, undefined, s)
      default:
        throw new Error(`layer ${name}: ${layer.class_name} layers cannot be converted to ONNX here`)
    }
  }

  const outs = spec.layers.map((l) => convert(l))
  const grids = outs.map((o) => shapes.get(o)!)
  const [gh, gw] = (() => {
    const sorted = [...grids].sort((a, b) => b.h - a.h)
    const mid = sorted[Math.floor(sorted.length / 2)]!
    return [mid.h, mid.w]
  })()
  const eps = addFloat('eps', [], new Float32Array([EPS]))
  const axes = addInt64('channel_axis', [1])
  const normalised = outs.map((o, i) => {
    const g = grids[i]!
    let t = o
    if (g.h !== gh || g.w !== gw) {
      nodes.push({
        op: 'Resize',
        inputs: [o, '', '', addInt64(`${o}/size`, [gh, gw])],
        outputs: [`${o}/resized`],
        attributes: [
          { name: 'axes', ints: [2, 3] },
          { name: 'mode', string: 'linear' },
          { name: 'coordinate_transformation_mode', string: 'half_pixel' },
        ],
      })
      t = `${o}/resized`
    }
    nodes.push(
      { op: 'ReduceL2', inputs: [t, axes], outputs: [`${o}/norm`], attributes: [{ name: 'keepdims', int: 1 }] },
      { op: 'Max', inputs: [`${o}/norm`, eps], outputs: [`${o}/norm_floor`] },
      { op: 'Div', inputs: [t, `${o}/norm_floor`], outputs: [`${o}/unit`] },
    )
    return `${o}/unit`
  })
  nodes.push({ op: 'Concat', inputs: normalised, outputs: ['features'], attributes: [{ name: 'axis', int: 1 }] })
  const channels = grids.reduce((n, g) => n + g.c, 0)
  const bytes = encodeOnnxModel({
    name: 'hypercolumns',
    producer: 'semagic-studio keras-to-onnx',
    opset: OPSET,
    nodes,
    initializers: inits,
    inputs: [{ name: 'pixels', dims: ['batch', 3, spec.size, spec.size] }],
    outputs: [{ name: 'features', dims: ['batch', channels, gh, gw] }],
  })
  return { bytes, grid: [gh, gw], channels, input: 'pixels', output: 'features' }
}
