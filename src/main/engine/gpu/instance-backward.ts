/// <reference types="@webgpu/types" />
import { COPY_DST, COPY_SRC, DeviceBuffers, STORAGE, UNIFORM, withErrorScopes } from './device-buffers'

/** Groups (shards) one dispatch can separate. */
export const INSTANCE_MAX_GROUPS = 8
const WORKGROUP = 64
const PARAMS_WORDS = 16 + INSTANCE_MAX_GROUPS

/**
 * The backward pass of V = V0 + B z with per-vertex features (category-model instanceBackward
 * for the `semagic` variant without articulation), for every image of a step at once, in f32.
 * With g = s (gV + gD) per image: gV0 = sum s gV, gB = sum g z^T and gPhi = sum s gQ per group
 * of images, and gz = B^T g per image. Every output is one thread's (or one workgroup's fixed
 * tree's) sum in a fixed order, so a run reproduces its own bits and a group's sums are its own.
 *
 * X holds, in values: the best views' gV (images x 3n), their gQ (images x n C), gD (images x
 * 3n), the codes (images x K) and B (3n x K); O: per group gV0 (3n), gB (3n K) and gPhi (n C),
 * then gz (images x K).
 */
const KERNELS = /* wgsl */ `
struct Params {
  n3: u32, K: u32, nC: u32, images: u32,
  groups: u32, scale: f32, offGQ: u32, offGD: u32,
  offZ: u32, offB: u32, offGB: u32, offPhi: u32,
  offGz: u32, pad0: u32, pad1: u32, pad2: u32,
  ends: array<vec4<u32>, ${INSTANCE_MAX_GROUPS / 4}>,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> O: array<f32>;

fn groupEnd(s: u32) -> u32 { return P.ends[s / 4u][s % 4u]; }
fn groupStart(s: u32) -> u32 { if (s == 0u) { return 0u; } return groupEnd(s - 1u); }
fn g(b: u32, q: u32) -> f32 { return P.scale * X[b * P.n3 + q] + P.scale * X[P.offGD + b * P.n3 + q]; }

/** One thread per coordinate and group: gV0 and that coordinate's row of gB, over the group's images in order. */
@compute @workgroup_size(${WORKGROUP})
fn shape(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= P.n3 * P.groups) { return; }
  let s = id.x / P.n3;
  let q = id.x % P.n3;
  var v0 = 0.0;
  for (var b = groupStart(s); b < groupEnd(s); b++) { v0 += P.scale * X[b * P.n3 + q]; }
  O[s * P.n3 + q] = v0;
  for (var k = 0u; k < P.K; k++) {
    var acc = 0.0;
    for (var b = groupStart(s); b < groupEnd(s); b++) { acc += g(b, q) * X[P.offZ + b * P.K + k]; }
    O[P.offGB + (s * P.n3 + q) * P.K + k] = acc;
  }
}

/** One thread per feature value and group. */
@compute @workgroup_size(${WORKGROUP})
fn features(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= P.nC * P.groups) { return; }
  let s = id.x / P.nC;
  let i = id.x % P.nC;
  var acc = 0.0;
  for (var b = groupStart(s); b < groupEnd(s); b++) { acc += P.scale * X[P.offGQ + b * P.nC + i]; }
  O[P.offPhi + s * P.nC + i] = acc;
}

var<workgroup> partial: array<f32, ${WORKGROUP}>;

/** One workgroup per image and code dimension: strided partial sums, then a fixed tree. */
@compute @workgroup_size(${WORKGROUP})
fn code(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let k = wid.x;
  let b = wid.y;
  var acc = 0.0;
  for (var q = lid.x; q < P.n3; q += ${WORKGROUP}u) { acc += g(b, q) * X[P.offB + q * P.K + k]; }
  partial[lid.x] = acc;
  workgroupBarrier();
  for (var half = ${WORKGROUP / 2}u; half > 0u; half /= 2u) {
    if (lid.x < half) { partial[lid.x] += partial[lid.x + half]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { O[P.offGz + b * P.K + k] = partial[0]; }
}
`

type Kernel = 'shape' | 'features' | 'code'
type BufferName = 'X' | 'O'

/** Where the best views' gradients are on the device (GpuViewBatch.deviceGradients). */
export interface GradientSource {
  buffer: GPUBuffer
  vertices: number
  features: number
}

interface Layout {
  images: number
  offGQ: number
  offGD: number
  offZ: number
  offB: number
  offGB: number
  offPhi: number
  offGz: number
}

/** A group's category gradients, as the CPU's shard accumulators hold them. */
export interface InstanceGroupGrads {
  gV0: Float32Array
  gB: Float32Array
  features: Float32Array
}

export class GpuInstanceBackward {
  private readonly pipelines: Record<Kernel, GPUComputePipeline>
  private readonly layout: GPUBindGroupLayout
  private readonly params: GPUBuffer
  private readonly buffers: DeviceBuffers<BufferName>

  static async create(device: GPUDevice, vertexCount: number, codeDims: number, channels: number): Promise<GpuInstanceBackward> {
    return withErrorScopes(device, 'compiling the instance backward kernels', async () => new GpuInstanceBackward(device, vertexCount, codeDims, channels))
  }

  private constructor(
    private readonly device: GPUDevice,
    private readonly n: number,
    private readonly K: number,
    private readonly C: number,
  ) {
    this.buffers = new DeviceBuffers(device)
    const module = device.createShaderModule({ code: KERNELS })
    this.layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: 4, buffer: { type: 'uniform' } },
        { binding: 1, visibility: 4, buffer: { type: 'read-only-storage' } },
        { binding: 2, visibility: 4, buffer: { type: 'storage' } },
      ],
    })
    const layout = device.createPipelineLayout({ bindGroupLayouts: [this.layout] })
    const kernels: Kernel[] = ['shape', 'features', 'code']
    this.pipelines = Object.fromEntries(kernels.map((k) => [k, device.createComputePipeline({ layout, compute: { module, entryPoint: k } })])) as Record<Kernel, GPUComputePipeline>
    this.params = device.createBuffer({ size: PARAMS_WORDS * 4, usage: UNIFORM | COPY_DST })
  }

  /**
   * From the best views' gradients on the device (`source`: gV of every image at byte `vertices`,
   * gQ at byte `features`, unscaled) and the host's gD (images x 3n, unscaled), codes (images x K)
   * and symmetrised basis: each group's category gradients (group s covers images up to
   * groupEnds[s]) and each image's gz, all times `scale`.
   */
  run(source: GradientSource, gD: ArrayLike<number>, z: ArrayLike<number>, B: ArrayLike<number>, scale: number, groupEnds: readonly number[]): Promise<{ groups: InstanceGroupGrads[]; gz: Float32Array }> {
    return withErrorScopes(this.device, 'instance backward', async () => {
      const n3 = 3 * this.n
      const { K } = this
      const images = groupEnds[groupEnds.length - 1] ?? 0
      if (gD.length !== images * n3 || z.length !== images * K || B.length !== n3 * K) throw new RangeError(`GPU instance backward: ${gD.length} gD, ${z.length} code and ${B.length} basis values for ${images} images of ${this.n} vertices and ${K} code dimensions`)
      const layout = this.layoutOf(groupEnds)
      const X = this.buffers.ensure('X', layout.offB + n3 * K, STORAGE | COPY_DST)
      const host = new Float32Array(images * n3 + images * K + n3 * K)
      host.set(gD)
      host.set(z, images * n3)
      host.set(B, images * n3 + images * K)
      this.device.queue.writeBuffer(X, 4 * layout.offGD, host)
      const encoder = this.device.createCommandEncoder()
      this.encodeKernels(encoder, source, layout, scale, groupEnds)
      const out = await this.buffers.read(encoder, 'O', 0, layout.offGz + images * K)
      const { offGB, offPhi, offGz } = layout
      return {
        groups: groupEnds.map((_, s) => ({
          gV0: out.slice(s * n3, (s + 1) * n3),
          gB: out.slice(offGB + s * n3 * K, offGB + (s + 1) * n3 * K),
          features: out.slice(offPhi + s * this.nC, offPhi + (s + 1) * this.nC),
        })),
        gz: out.slice(offGz, offGz + images * K),
      }
    })
  }

  /**
   * run with every input on the device (gD, codes and B at byte offsets into `inputs.buffer`) and
   * one group, encoded into `encoder` (the caller submits): the results stay in `buffer`, one
   * block from byte 0 holding gV0 (3n), gB (3n K), the features' gradients (n C), then gz
   * (images x K), the layout run reads back.
   */
  encodeOnDevice(encoder: GPUCommandEncoder, source: GradientSource, inputs: { buffer: GPUBuffer; gD: number; z: number; B: number }, images: number, scale: number): { buffer: GPUBuffer; values: number } {
    const n3 = 3 * this.n
    const { K } = this
    const layout = this.layoutOf([images])
    const X = this.buffers.ensure('X', layout.offB + n3 * K, STORAGE | COPY_DST)
    this.buffers.ensure('O', layout.offGz + images * K, STORAGE | COPY_SRC)
    encoder.copyBufferToBuffer(inputs.buffer, inputs.gD, X, 4 * layout.offGD, 4 * images * n3)
    encoder.copyBufferToBuffer(inputs.buffer, inputs.z, X, 4 * layout.offZ, 4 * images * K)
    encoder.copyBufferToBuffer(inputs.buffer, inputs.B, X, 4 * layout.offB, 4 * n3 * K)
    this.encodeKernels(encoder, source, layout, scale, [images])
    return { buffer: this.buffers.get('O'), values: layout.offGz + images * K }
  }

  private get nC(): number {
    return this.n * this.C
  }

  private layoutOf(groupEnds: readonly number[]): Layout {
    const n3 = 3 * this.n
    const images = groupEnds[groupEnds.length - 1] ?? 0
    if (groupEnds.length > INSTANCE_MAX_GROUPS || images === 0) throw new RangeError(`GPU instance backward: groups ending at ${groupEnds.join(', ')} (at most ${INSTANCE_MAX_GROUPS})`)
    const G = groupEnds.length
    const offGQ = images * n3
    const offGD = offGQ + images * this.nC
    const offZ = offGD + images * n3
    const offB = offZ + images * this.K
    const offGB = G * n3
    const offPhi = offGB + G * n3 * this.K
    return { images, offGQ, offGD, offZ, offB, offGB, offPhi, offGz: offPhi + G * this.nC }
  }

  /** The gradients' copies into X, the parameters and the three kernels. */
  private encodeKernels(encoder: GPUCommandEncoder, source: GradientSource, l: Layout, scale: number, groupEnds: readonly number[]): void {
    const n3 = 3 * this.n
    const { images } = l
    const G = groupEnds.length
    this.buffers.ensure('O', l.offGz + images * this.K, STORAGE | COPY_SRC)
    const words = new ArrayBuffer(PARAMS_WORDS * 4)
    const u = new Uint32Array(words)
    u.set([n3, this.K, this.nC, images, G, 0, l.offGQ, l.offGD, l.offZ, l.offB, l.offGB, l.offPhi, l.offGz])
    new Float32Array(words)[5] = scale
    u.set([...groupEnds, ...Array.from({ length: INSTANCE_MAX_GROUPS - G }, () => images)], 16)
    this.device.queue.writeBuffer(this.params, 0, words)
    const X = this.buffers.get('X')
    encoder.copyBufferToBuffer(source.buffer, source.vertices, X, 0, 4 * images * n3)
    encoder.copyBufferToBuffer(source.buffer, source.features, X, 4 * l.offGQ, 4 * images * this.nC)
    const pass = encoder.beginComputePass()
    pass.setBindGroup(0, this.bindGroup())
    pass.setPipeline(this.pipelines.shape)
    pass.dispatchWorkgroups(Math.ceil((n3 * G) / WORKGROUP))
    // Without per-vertex features (channels 0: the feature field's variants) there is nothing to sum.
    if (this.nC > 0) {
      pass.setPipeline(this.pipelines.features)
      pass.dispatchWorkgroups(Math.ceil((this.nC * G) / WORKGROUP))
    }
    pass.setPipeline(this.pipelines.code)
    pass.dispatchWorkgroups(this.K, images)
    pass.end()
  }

  destroy(): void {
    this.params.destroy()
    this.buffers.destroy()
  }

  private bindGroup(): GPUBindGroup {
    return this.buffers.bindGroup(this.layout, () => [this.params, this.buffers.get('X'), this.buffers.get('O')].map((buffer) => ({ buffer })))
  }
}
