/// <reference types="@webgpu/types" />
import type { Mlp } from '../math/mlp'
import { mlpParams } from '../math/mlp'
import { MLP_KERNELS, MLP_MAX_SHARDS, MLP_PARAMS_BYTES } from './mlp-kernels'
import { COPY_DST, COPY_SRC, DeviceBuffers, STORAGE, UNIFORM, withErrorScopes } from './device-buffers'

const WORKGROUP = 64
const MAX_GROUPS = 65535

type Kernel = 'forward' | 'norms' | 'scale' | 'backInput' | 'weightGrad'
type BufferName = 'W' | 'A' | 'D' | 'GW'

interface Dispatch {
  kernel: Kernel
  items: number
  /** The uniform's words (Layer in mlp-kernels). */
  words: number[]
  scale?: number
}

/**
 * A feature field (math/mlp over the harmonic encoding of positions) evaluated on a WebGPU device
 * for every point of a step's images: `forward` leaves the features (points x outputs) and their
 * norms on the device for the view kernels; `backward` takes dL/d(features) from the device and
 * returns dL/d(encoded input) per point and the weight gradients per shard of points. The
 * resident trainer runs its fields (this one, and the deformation field over V0's vertices)
 * through `forwardOnDevice` and `backwardOnDevice`, with weights, inputs and results on the device.
 */
export class GpuFeatureField {
  private readonly pipelines: Record<Kernel, GPUComputePipeline>
  private readonly layout: GPUBindGroupLayout
  private readonly uniforms: GPUBuffer
  private readonly buffers: DeviceBuffers<BufferName>
  private points = 0
  private readonly sizes: number[]
  private readonly paramCount: number

  static async create(device: GPUDevice, mlp: Mlp): Promise<GpuFeatureField> {
    return withErrorScopes(device, 'compiling the feature field kernels', async () => new GpuFeatureField(device, mlp))
  }

  private constructor(
    private readonly device: GPUDevice,
    private readonly mlp: Mlp,
  ) {
    this.buffers = new DeviceBuffers(device)
    this.sizes = [mlp.layers[0]!.inputs, ...mlp.layers.map((l) => l.outputs)]
    this.paramCount = mlpParams(mlp).reduce((n, p) => n + p.value.length, 0)
    const module = device.createShaderModule({ code: MLP_KERNELS })
    this.layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: 4, buffer: { type: 'uniform', hasDynamicOffset: true } },
        { binding: 1, visibility: 4, buffer: { type: 'read-only-storage' } },
        ...[2, 3, 4].map((binding) => ({ binding, visibility: 4, buffer: { type: 'storage' as const } })),
      ],
    })
    const layout = device.createPipelineLayout({ bindGroupLayouts: [this.layout] })
    const kernels: Kernel[] = ['forward', 'norms', 'scale', 'backInput', 'weightGrad']
    this.pipelines = Object.fromEntries(kernels.map((k) => [k, device.createComputePipeline({ layout, compute: { module, entryPoint: k } })])) as Record<Kernel, GPUComputePipeline>
    // Enough dispatches for a forward and a backward pass.
    this.uniforms = device.createBuffer({ size: MLP_PARAMS_BYTES * (4 * mlp.layers.length + 4), usage: UNIFORM | COPY_DST })
  }

  /** Values per point of the input (the encoding) and of the output (the features). */
  get inputs(): number {
    return this.sizes[0]!
  }

  get outputs(): number {
    return this.sizes[this.sizes.length - 1]!
  }

  /** Offsets in A (values): each layer's input, the output, then the norms. */
  private activations(points: number): { offsets: number[]; norms: number; total: number } {
    const offsets: number[] = []
    let o = 0
    for (const s of this.sizes) {
      offsets.push(o)
      o += points * s
    }
    return { offsets, norms: o, total: o + points }
  }

  /**
   * Runs the field on `points` encoded points (points x inputs): the network's current weights go
   * up with them. The features stay on the device (`output`).
   */
  forward(encoded: Float64Array, points: number): Promise<void> {
    return withErrorScopes(this.device, 'feature field forward', async () => {
      if (encoded.length !== points * this.inputs) throw new RangeError(`GPU feature field: ${encoded.length} encoded values for ${points} points of ${this.inputs}`)
      const weights = new Float32Array(this.paramCount)
      let w = 0
      for (const p of mlpParams(this.mlp)) {
        weights.set(p.value, w)
        w += p.value.length
      }
      this.prepare(points)
      this.device.queue.writeBuffer(this.buffers.get('W'), 0, weights)
      this.device.queue.writeBuffer(this.buffers.get('A'), 0, Float32Array.from(encoded))
      this.run(this.forwardDispatches(points))
    })
  }

  /**
   * forward with its inputs already on the device (gpu/resident-trainer): the weights (mlpParams
   * order) and the encoded points are copied from `source` at byte offsets; nothing is read back.
   */
  forwardOnDevice(source: GPUBuffer, weights: number, encoded: number, points: number): void {
    this.prepare(points)
    this.run(this.forwardDispatches(points), (encoder) => {
      encoder.copyBufferToBuffer(source, weights, this.buffers.get('W'), 0, 4 * this.paramCount)
      encoder.copyBufferToBuffer(source, encoded, this.buffers.get('A'), 0, 4 * points * this.inputs)
    })
  }

  private prepare(points: number): void {
    this.points = points
    const b = this.buffers
    b.ensure('W', this.paramCount, STORAGE | COPY_DST)
    b.ensure('A', this.activations(points).total, STORAGE | COPY_DST | COPY_SRC)
    b.ensure('D', this.deltaSize(points), STORAGE | COPY_DST | COPY_SRC)
    b.ensure('GW', MLP_MAX_SHARDS * this.paramCount, STORAGE | COPY_SRC)
  }

  private forwardDispatches(points: number): Dispatch[] {
    const { offsets, norms } = this.activations(points)
    const dispatches: Dispatch[] = []
    let offW = 0
    this.mlp.layers.forEach((layer, l) => {
      const last = l + 1 === this.mlp.layers.length
      const words = this.layerWords(points, l, offW, offsets, norms)
      words[13] = last ? 0 : 1
      dispatches.push({ kernel: 'forward', items: points * layer.outputs, words })
      if (last) dispatches.push({ kernel: 'norms', items: points, words })
      offW += layer.inputs * layer.outputs + layer.outputs
    })
    return dispatches
  }

  /** Where the last forward pass left the features (points x outputs) and their norms (points), in bytes. */
  output(): { buffer: GPUBuffer; features: number; norms: number } {
    const { offsets, norms } = this.activations(this.points)
    return { buffer: this.buffers.get('A'), features: 4 * offsets[offsets.length - 1]!, norms: 4 * norms }
  }

  /** The last forward pass's features and norms, read back (for tests against the CPU). */
  async readOutput(): Promise<{ features: Float32Array; norms: Float32Array }> {
    const { offsets, norms } = this.activations(this.points)
    return withErrorScopes(this.device, 'feature field read-back', async () => ({
      features: await this.buffers.read(this.device.createCommandEncoder(), 'A', offsets[offsets.length - 1]!, this.points * this.outputs),
      norms: await this.buffers.read(this.device.createCommandEncoder(), 'A', norms, this.points),
    }))
  }

  /**
   * Back through the field from dL/d(features) of every point (copied from `source` at byte
   * `offset`, times `scale`): dL/d(encoded input) per point, and the weight gradients of each
   * shard (shard s covers points up to shardEnds[s]), in mlpParams order.
   */
  backward(source: GPUBuffer, offset: number, scale: number, shardEnds: readonly number[]): Promise<{ inputs: Float32Array; weights: Float32Array[] }> {
    return withErrorScopes(this.device, 'feature field backward', async () => {
      const points = this.points
      this.run(this.backwardDispatches(scale, shardEnds), (encoder) => this.copyOutputDeltas(encoder, source, offset))
      const inputs = await this.buffers.read(this.device.createCommandEncoder(), 'D', 0, points * this.inputs)
      const grads = await this.buffers.read(this.device.createCommandEncoder(), 'GW', 0, shardEnds.length * this.paramCount)
      return { inputs, weights: shardEnds.map((_, s) => grads.slice(s * this.paramCount, (s + 1) * this.paramCount)) }
    })
  }

  /**
   * backward over all points as one shard with its results left on the device: dL/d(encoded
   * input) (points x inputs) and the weight gradients (mlpParams order) are copied into `into`
   * at byte offsets; nothing is read back.
   */
  backwardOnDevice(source: GPUBuffer, offset: number, scale: number, into: { buffer: GPUBuffer; inputs: number; weights: number }): void {
    const points = this.points
    this.run(
      this.backwardDispatches(scale, [points]),
      (encoder) => this.copyOutputDeltas(encoder, source, offset),
      (encoder) => {
        encoder.copyBufferToBuffer(this.buffers.get('D'), 0, into.buffer, into.inputs, 4 * points * this.inputs)
        encoder.copyBufferToBuffer(this.buffers.get('GW'), 0, into.buffer, into.weights, 4 * this.paramCount)
      },
    )
  }

  private copyOutputDeltas(encoder: GPUCommandEncoder, source: GPUBuffer, offset: number): void {
    const deltas = this.deltaOffsets(this.points)
    encoder.copyBufferToBuffer(source, offset, this.buffers.get('D'), 4 * deltas[this.mlp.layers.length]!, 4 * this.points * this.outputs)
  }

  private backwardDispatches(scale: number, shardEnds: readonly number[]): Dispatch[] {
    const points = this.points
    if (shardEnds.length > MLP_MAX_SHARDS || shardEnds[shardEnds.length - 1] !== points) throw new RangeError(`GPU feature field: shards ending at ${shardEnds.join(', ')} for ${points} points`)
    const { offsets, norms } = this.activations(points)
    const deltas = this.deltaOffsets(points)
    const L = this.mlp.layers.length
    const dispatches: Dispatch[] = []
    let offW = this.paramCount
    for (let l = L - 1; l >= 0; l--) {
      const layer = this.mlp.layers[l]!
      offW -= layer.inputs * layer.outputs + layer.outputs
      const words = this.layerWords(points, l, offW, offsets, norms)
      words[8] = deltas[l]!
      words[9] = deltas[l + 1]!
      words[12] = shardEnds.length
      words[3] = l > 0 ? 1 : 0
      words.push(...shardEnds, ...Array.from({ length: MLP_MAX_SHARDS - shardEnds.length }, () => points))
      if (l === L - 1) dispatches.push({ kernel: 'scale', items: points * layer.outputs, words, scale })
      dispatches.push({ kernel: 'weightGrad', items: layer.outputs * (layer.inputs + 1) * shardEnds.length, words })
      dispatches.push({ kernel: 'backInput', items: points * layer.inputs, words })
    }
    return dispatches
  }

  destroy(): void {
    this.uniforms.destroy()
    this.buffers.destroy()
  }

  /** D: dL/d(the input of each layer, then the output), each points x width. */
  private deltaOffsets(points: number): number[] {
    const out: number[] = []
    let o = 0
    for (const s of this.sizes) {
      out.push(o)
      o += points * s
    }
    out.push(o)
    return out
  }

  private deltaSize(points: number): number {
    return this.deltaOffsets(points)[this.sizes.length]!
  }

  private layerWords(points: number, l: number, offW: number, offsets: number[], norms: number): number[] {
    const layer = this.mlp.layers[l]!
    let offGW = 0
    for (let k = 0; k < l; k++) offGW += this.mlp.layers[k]!.inputs * this.mlp.layers[k]!.outputs + this.mlp.layers[k]!.outputs
    return [points, layer.inputs, layer.outputs, 0, offsets[l]!, offsets[l + 1]!, offW, offW + layer.inputs * layer.outputs, 0, 0, offGW, this.paramCount, 0, 0, norms, 0]
  }

  /** Every dispatch in one submission, each with its own slice of the uniform buffer, between the copies `before` and `after` encode. */
  private run(dispatches: readonly Dispatch[], before?: (encoder: GPUCommandEncoder) => void, after?: (encoder: GPUCommandEncoder) => void): void {
    const stride = MLP_PARAMS_BYTES / 4
    const data = new ArrayBuffer(MLP_PARAMS_BYTES * dispatches.length)
    dispatches.forEach((d, k) => {
      const u = new Uint32Array(data, k * MLP_PARAMS_BYTES, stride)
      u.set(d.words.slice(0, 16))
      new Float32Array(data, k * MLP_PARAMS_BYTES, stride)[15] = d.scale ?? 1
      u.set(d.words.slice(16), 16)
    })
    if (data.byteLength > this.uniforms.size) throw new RangeError(`GPU feature field: ${dispatches.length} dispatches exceed the uniform buffer`)
    this.device.queue.writeBuffer(this.uniforms, 0, data)
    const group = this.buffers.bindGroup(this.layout, () => [{ buffer: this.uniforms, size: MLP_PARAMS_BYTES }, ...(['W', 'A', 'D', 'GW'] as const).map((k) => ({ buffer: this.buffers.get(k) }))])
    const encoder = this.device.createCommandEncoder()
    before?.(encoder)
    const pass = encoder.beginComputePass()
    dispatches.forEach((d, k) => {
      pass.setPipeline(this.pipelines[d.kernel])
      pass.setBindGroup(0, group, [k * MLP_PARAMS_BYTES])
      const groups = Math.ceil(d.items / WORKGROUP)
      pass.dispatchWorkgroups(Math.min(groups, MAX_GROUPS), Math.ceil(groups / MAX_GROUPS))
    })
    pass.end()
    after?.(encoder)
    this.device.queue.submit([encoder.finish()])
  }
}
