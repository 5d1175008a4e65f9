/// <reference types="@webgpu/types" />
import { AZIMUTH, CAMERA_SIZE, ELEVATION, LOG_SCALE, ROLL, TX, TY, cameraRotation } from '../camera/view-camera'
import { cameraGradient } from '../losses/view-loss'
import type { LossWeights, ViewLoss, VisibilityOptions } from '../losses/view-loss'
import type { ViewTarget } from '../losses/view-target'
import { COPY_DST, COPY_SRC, DeviceBuffers, STORAGE, UNIFORM, withErrorScopes } from './device-buffers'
import { EVAL_FLOATS, PARAMS_WORDS, SUM_FLOATS, VIEW_KERNELS, WORKGROUP } from './view-kernels'

/** A mesh as the kernels read it: positions and normals (xyz triples) and which feature block its vertices carry. */
export interface GpuView {
  vertices: ArrayLike<number>
  normals: ArrayLike<number>
  featureBlock: number
}

/** Per-vertex features (vertex-major, `channels` each) and their norms. */
export interface GpuFeatureBlock {
  features: ArrayLike<number>
  norms: ArrayLike<number>
}

/** One image under one camera: which view, target (index into the resident targets) and chamfer sample set. */
export interface GpuEvaluation {
  view: number
  target: number
  samples: number
  /** The six camera parameters (view-camera); with DeviceInputs, the device's (left empty here). */
  camera: ArrayLike<number>
}

/** Feature blocks already on the device (a feature field's output): `count` blocks' features, then their norms, at byte offsets. */
export interface DeviceBlocks {
  count: number
  buffer: GPUBuffer
  features: number
  norms: number
}

/**
 * Views and cameras already on the device (gpu/resident-trainer's), at byte offsets into
 * `buffer`: every view's vertices, then every view's normals (3 per vertex); each evaluation's
 * EVAL_FLOATS values (view-kernels); and `tail` values read back with the scores, which start
 * with each evaluation's six camera values (the camera gradients are taken at them).
 */
export interface DeviceInputs {
  buffer: GPUBuffer
  vertices: number
  normals: number
  evals: number
  tail: { offset: number; values: number }
}

export interface GpuBatch {
  /** The views (their vertices and normals empty with `device`). */
  views: readonly GpuView[]
  /** The feature blocks, from the host or from the device. */
  blocks: readonly GpuFeatureBlock[] | DeviceBlocks
  /** Chamfer samples per set, xy pairs, all of one length. */
  samples: readonly Float64Array[]
  evaluations: readonly GpuEvaluation[]
  weights: LossWeights
  device?: DeviceInputs
}

/** An evaluation's loss terms (as viewLoss returns them) and dL/d(its six camera parameters). */
export interface EvaluationScore {
  loss: ViewLoss
  camera: Float64Array
}

/**
 * Views one submission can score: each is a row of workgroups in one dispatch dimension, and
 * WebGPU guarantees 65535 per dimension (maxComputeWorkgroupsPerDimension's default).
 */
export const MAX_EVALUATIONS = 65535

const KERNELS = ['project', 'clearDepth', 'raster', 'visibility', 'chamfer', 'loss', 'bestGrad'] as const
type Kernel = (typeof KERNELS)[number]

interface Layout {
  evals: number
  /** Offsets in F (floats) and U (words). */
  offNormals: number
  offFeatures: number
  offNorms: number
  offSamples: number
  offEvals: number
  floats: number
  offEvalInts: number
  offBest: number
  words: number
  /** I: flags, then counts, then argmins, then the visible vertices' indices. */
  offCount: number
  offArg: number
  offList: number
  ints: number
  /** G: vertex gradients of the chosen evaluations, then their feature gradients. */
  offGQ: number
  grads: number
}

type BufferName = 'F' | 'U' | 'proj' | 'depth' | 'I' | 'O' | 'G'


/**
 * The per-view loss of a whole step on a WebGPU device: the targets (distance maps, feature
 * cells) are uploaded once and stay resident; each batch uploads its views, cameras and chamfer
 * samples, runs every evaluation in one submission (`score`), and on request the vertex and
 * feature gradients of chosen evaluations in a second (`bestGradients`).
 */
export class GpuViewBatch {
  private readonly pipelines: Record<Kernel, GPUComputePipeline>
  private readonly layout: GPUBindGroupLayout
  private readonly params: GPUBuffer
  private readonly targets: GPUBuffer
  private readonly n: number
  private readonly faceCount: number
  private readonly channels: number
  private readonly maskSize: number
  private readonly gridWidth: number
  private readonly gridHeight: number
  private readonly cellsOffset: number
  /** Targets the device holds at once: all of them (resident), or a batch's (uploaded per batch). */
  private readonly slots: number
  private readonly buffers: DeviceBuffers<BufferName>
  private last: { layout: Layout; batch: GpuBatch; best: Layout | null } | null = null

  /**
   * Compiles the kernels and uploads the targets; throws when the device refuses either. The
   * targets stay resident when they fit in one storage binding (`residentBytes`, by default the
   * device's limit; at the defaults about 90 kB an image); else each batch uploads its own.
   */
  static async create(device: GPUDevice, targets: readonly ViewTarget[], faces: Uint32Array, vertexCount: number, visibility: VisibilityOptions, residentBytes?: number): Promise<GpuViewBatch> {
    let batch: GpuViewBatch | null = null
    try {
      return await withErrorScopes(device, 'compiling the view kernels and uploading the targets', async () => (batch = new GpuViewBatch(device, targets, faces, vertexCount, visibility, residentBytes)))
    } catch (error) {
      ;(batch as GpuViewBatch | null)?.destroy()
      throw error
    }
  }

  private constructor(
    private readonly device: GPUDevice,
    private readonly hostTargets: readonly ViewTarget[],
    private readonly faces: Uint32Array,
    vertexCount: number,
    private readonly visibilityOptions: VisibilityOptions,
    residentBytes = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize),
  ) {
    const targets = hostTargets
    const t0 = targets[0]
    if (!t0) throw new RangeError('GPU view batch: no targets')
    for (const [k, t] of targets.entries()) {
      if (t.maskSize !== t0.maskSize || t.gridWidth !== t0.gridWidth || t.gridHeight !== t0.gridHeight || t.channels !== t0.channels) {
        throw new RangeError(`GPU view batch: target ${k} has a ${t.maskSize} mask and ${t.channels} channels on ${t.gridWidth} x ${t.gridHeight}, target 0 ${t0.maskSize} and ${t0.channels} on ${t0.gridWidth} x ${t0.gridHeight}; the GPU engine needs them equal`)
      }
    }
    this.buffers = new DeviceBuffers(device)
    this.n = vertexCount
    this.faceCount = faces.length / 3
    this.channels = t0.channels
    this.maskSize = t0.maskSize
    this.gridWidth = t0.gridWidth
    this.gridHeight = t0.gridHeight
    const perTarget = 4 * (this.mapSize() + this.cellSize())
    this.slots = Math.min(targets.length, Math.floor(residentBytes / perTarget))
    if (this.slots < 1) throw new RangeError(`GPU view batch: one image's targets take ${perTarget} bytes, more than the ${residentBytes} the device binds`)
    this.cellsOffset = this.slots * this.mapSize()
    this.targets = device.createBuffer({ size: this.slots * perTarget, usage: STORAGE | COPY_DST })
    if (this.slots === targets.length) targets.forEach((_, k) => this.writeTarget(k, k))
    this.params = device.createBuffer({ size: PARAMS_WORDS * 4, usage: UNIFORM | COPY_DST })
    const module = device.createShaderModule({ code: VIEW_KERNELS })
    const storage = (type: GPUBufferBindingType): GPUBindGroupLayoutEntry['buffer'] => ({ type })
    this.layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: 4, buffer: storage('uniform') },
        ...[1, 2, 3].map((binding) => ({ binding, visibility: 4, buffer: storage('read-only-storage') })),
        ...[4, 5, 6, 7, 8].map((binding) => ({ binding, visibility: 4, buffer: storage('storage') })),
      ],
    })
    const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [this.layout] })
    this.pipelines = Object.fromEntries(KERNELS.map((k) => [k, device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint: k } })])) as Record<Kernel, GPUComputePipeline>
  }

  /** Scores every evaluation of the batch: loss terms and camera gradients, in evaluation order. */
  score(batch: GpuBatch): Promise<EvaluationScore[]> {
    return this.checked('scoring', async () => (await this.scoreUnchecked(batch)).scores)
  }

  /** score for a batch whose views and cameras are on the device, with its read-back tail (DeviceInputs). */
  scoreDevice(batch: GpuBatch & { device: DeviceInputs }): Promise<{ scores: EvaluationScore[]; tail: Float32Array }> {
    return this.checked('scoring', () => this.scoreUnchecked(batch))
  }

  /** dL/d(vertices) (3 per vertex) and dL/d(vertex features) of the given evaluations of the last scored batch. */
  bestGradients(evaluations: readonly number[]): Promise<{ vertices: Float32Array; features: Float32Array }[]> {
    return this.checked('best gradients', () => this.bestGradientsUnchecked(evaluations))
  }

  /** bestGradients leaving the gradients on the device only (`deviceGradients`), for device work that follows. */
  bestGradientsOnDevice(evaluations: readonly number[]): Promise<void> {
    return this.checked('best gradients', async () => {
      const { encoder } = this.dispatchBest(evaluations)
      this.device.queue.submit([encoder.finish()])
    })
  }

  private checked<T>(what: string, run: () => Promise<T>): Promise<T> {
    return withErrorScopes(this.device, what, run)
  }

  private async scoreUnchecked(batch: GpuBatch): Promise<{ scores: EvaluationScore[]; tail: Float32Array }> {
    const layout = this.layoutOf(batch, 0)
    const E = layout.evals
    if (E > MAX_EVALUATIONS) throw new RangeError(`GPU engine: ${E} views in one step (images x hypotheses x 2), more than the ${MAX_EVALUATIONS} one submission can score: use a smaller batch size or fewer hypotheses`)
    const { device } = batch
    const tail = device?.tail.values ?? 0
    const G2 = this.visibilityOptions.grid ** 2
    const b = this.buffers
    b.ensure('F', layout.floats, STORAGE | COPY_DST)
    // U starts with the faces; COPY_SRC lets bestGradients grow it keeping them.
    b.ensure('U', layout.words, STORAGE | COPY_DST | COPY_SRC, { init: this.faces })
    b.ensure('proj', E * this.n * 4, STORAGE)
    b.ensure('depth', E * G2, STORAGE)
    b.ensure('I', layout.ints, STORAGE | COPY_SRC)
    b.ensure('O', E * SUM_FLOATS + tail, STORAGE | COPY_SRC | COPY_DST)
    b.ensure('G', 4, STORAGE | COPY_SRC)
    this.writeInputs(batch, layout)
    this.last = { layout, batch, best: null }
    const encoder = this.device.createCommandEncoder()
    if (!Array.isArray(batch.blocks)) {
      const d = batch.blocks as DeviceBlocks
      const F = this.buffers.get('F')
      encoder.copyBufferToBuffer(d.buffer, d.features, F, 4 * layout.offFeatures, 4 * d.count * this.n * this.channels)
      encoder.copyBufferToBuffer(d.buffer, d.norms, F, 4 * layout.offNorms, 4 * d.count * this.n)
    }
    if (device) {
      const F = this.buffers.get('F')
      const views = batch.views.length * this.n * 3
      encoder.copyBufferToBuffer(device.buffer, device.vertices, F, 0, 4 * views)
      encoder.copyBufferToBuffer(device.buffer, device.normals, F, 4 * layout.offNormals, 4 * views)
      encoder.copyBufferToBuffer(device.buffer, device.evals, F, 4 * layout.offEvals, 4 * E * EVAL_FLOATS)
      encoder.copyBufferToBuffer(device.buffer, device.tail.offset, this.buffers.get('O'), 4 * E * SUM_FLOATS, 4 * tail)
    }
    const pass = encoder.beginComputePass()
    pass.setBindGroup(0, this.bindGroup())
    const run = (k: Kernel, x: number, y = 1): void => {
      pass.setPipeline(this.pipelines[k])
      pass.dispatchWorkgroups(x, y)
    }
    const groups = (items: number): number => Math.ceil(items / WORKGROUP)
    run('project', groups(this.n), E)
    run('clearDepth', groups(G2), E)
    run('raster', groups(this.faceCount), E)
    run('visibility', E)
    run('chamfer', groups(batch.samples[0]!.length / 2), E)
    run('loss', E)
    pass.end()
    const read = await this.buffers.read(encoder, 'O', 0, E * SUM_FLOATS + tail)
    const sums = read.subarray(0, E * SUM_FLOATS)
    const K = batch.samples[0]!.length / 2
    const cameras = device ? read.subarray(E * SUM_FLOATS) : null
    const scores = batch.evaluations.map((ev, e) => {
      const s = sums.subarray(e * SUM_FLOATS, (e + 1) * SUM_FLOATS)
      const visibleCount = s[12]!
      const dt = s[0]! / this.n
      const chamfer = K > 0 && visibleCount > 0 ? s[1]! / K : 0
      const feature = visibleCount > 0 && batch.weights.feature !== 0 ? s[2]! / visibleCount : 0
      const w = batch.weights
      const camera = new Float64Array(CAMERA_SIZE)
      const c = cameras ? cameras.subarray(e * CAMERA_SIZE, (e + 1) * CAMERA_SIZE) : ev.camera
      cameraGradient(Array.from(s.subarray(6, 12)), s[5]!, s[3]!, s[4]!, Math.exp(c[LOG_SCALE]!), c[AZIMUTH]!, c[ELEVATION]!, c[ROLL]!, camera)
      return { loss: { total: w.dt * dt + w.chamfer * chamfer + w.feature * feature, dt, chamfer, feature, visibleCount }, camera }
    })
    return { scores, tail: read.subarray(E * SUM_FLOATS) }
  }

  private async bestGradientsUnchecked(evaluations: readonly number[]): Promise<{ vertices: Float32Array; features: Float32Array }[]> {
    const { encoder, layout } = this.dispatchBest(evaluations)
    const n = this.n
    const C = this.channels
    const out = await this.buffers.read(encoder, 'G', 0, layout.grads)
    return evaluations.map((_, k) => ({ vertices: out.slice(k * 3 * n, (k + 1) * 3 * n), features: out.slice(layout.offGQ + k * n * C, layout.offGQ + (k + 1) * n * C) }))
  }

  /** Encodes the best views' gradient kernel for the given evaluations of the last scored batch (the caller submits). */
  private dispatchBest(evaluations: readonly number[]): { encoder: GPUCommandEncoder; layout: Layout } {
    if (!this.last) throw new Error('GPU view batch: bestGradients before score')
    const { batch } = this.last
    this.last.best = null
    for (const e of evaluations) if (!(Number.isInteger(e) && e >= 0 && e < batch.evaluations.length)) throw new RangeError(`GPU view batch: no evaluation ${e} in the last batch of ${batch.evaluations.length}`)
    const layout = this.layoutOf(batch, evaluations.length)
    this.buffers.ensure('U', layout.words, STORAGE | COPY_DST | COPY_SRC, { keep: true })
    this.buffers.ensure('G', layout.grads, STORAGE | COPY_SRC)
    this.writeParams(batch, layout)
    this.device.queue.writeBuffer(this.buffers.get('U'), layout.offBest * 4, Uint32Array.from(evaluations))
    const encoder = this.device.createCommandEncoder()
    const pass = encoder.beginComputePass()
    pass.setBindGroup(0, this.bindGroup())
    pass.setPipeline(this.pipelines.bestGrad)
    pass.dispatchWorkgroups(Math.ceil(this.n / WORKGROUP), evaluations.length)
    pass.end()
    this.last.best = layout
    return { encoder, layout }
  }

  /**
   * Where the last bestGradients left its gradients on the device, byte offsets into `buffer`:
   * dL/d(vertices), 3 per vertex, then dL/d(vertex features), vertices x channels, one block each per chosen evaluation.
   */
  deviceGradients(): { buffer: GPUBuffer; vertices: number; features: number } {
    if (!this.last?.best) throw new Error('GPU view batch: deviceGradients before bestGradients')
    return { buffer: this.buffers.get('G'), vertices: 0, features: 4 * this.last.best.offGQ }
  }

  /** Visibility flags of every evaluation of the last scored batch (evaluation-major), for tests against the CPU. */
  visibility(): Promise<Uint8Array> {
    const last = this.last
    if (!last) throw new Error('GPU view batch: visibility before score')
    return this.checked('visibility', async () => {
      const words = last.layout.evals * this.n
      const bits = await this.buffers.read(this.device.createCommandEncoder(), 'I', 0, words)
      return Uint8Array.from(new Uint32Array(bits.buffer, bits.byteOffset, words))
    })
  }

  destroy(): void {
    this.targets.destroy()
    this.params.destroy()
    this.buffers.destroy()
  }

  private layoutOf(batch: GpuBatch, best: number): Layout {
    const n = this.n
    const C = this.channels
    const K = (batch.samples[0]?.length ?? 0) / 2
    const views = batch.views.length
    const blocks = blockCount(batch)
    const sets = batch.samples.length
    const evals = batch.evaluations.length
    const offNormals = views * n * 3
    const offFeatures = offNormals + views * n * 3
    const offNorms = offFeatures + blocks * n * C
    const offSamples = offNorms + blocks * n
    const offEvals = offSamples + sets * K * 2
    const offEvalInts = this.faces.length
    const offBest = offEvalInts + evals * 4
    const offCount = evals * n
    const offArg = offCount + evals
    const offGQ = best * n * 3
    return {
      evals, offNormals, offFeatures, offNorms, offSamples, offEvals,
      floats: offEvals + evals * EVAL_FLOATS,
      offEvalInts, offBest,
      words: offBest + best,
      offCount, offArg,
      offList: offArg + evals * K,
      ints: offArg + evals * K + evals * n,
      offGQ,
      grads: offGQ + best * n * C,
    }
  }

  private bindGroup(): GPUBindGroup {
    const b = this.buffers
    return b.bindGroup(this.layout, () => [this.params, b.get('F'), b.get('U'), this.targets, b.get('proj'), b.get('depth'), b.get('I'), b.get('O'), b.get('G')].map((buffer) => ({ buffer })))
  }

  private writeParams(batch: GpuBatch, layout: Layout): void {
    const words = new ArrayBuffer(PARAMS_WORDS * 4)
    const u = new Uint32Array(words)
    const f = new Float32Array(words)
    u.set([this.n, this.faceCount, this.channels, (batch.samples[0]?.length ?? 0) / 2, this.visibilityOptions.grid, this.maskSize, this.gridWidth, this.gridHeight, layout.evals])
    f.set([batch.weights.dt, batch.weights.chamfer, batch.weights.feature], 9)
    u.set([layout.offNormals, layout.offFeatures, layout.offNorms, layout.offSamples, layout.offEvals, this.cellsOffset, layout.offEvalInts, layout.offBest, layout.offCount, layout.offArg, layout.offGQ, layout.offList], 12)
    this.device.queue.writeBuffer(this.params, 0, words)
  }

  private writeInputs(batch: GpuBatch, layout: Layout): void {
    const n = this.n
    const C = this.channels
    const K = layout.offEvals - layout.offSamples
    for (const s of batch.samples) if (s.length * batch.samples.length !== K) throw new RangeError('GPU view batch: chamfer sample sets differ in length')
    const f = new Float32Array(layout.floats)
    batch.views.forEach((v, k) => {
      f.set(v.vertices, k * n * 3)
      f.set(v.normals, layout.offNormals + k * n * 3)
    })
    if (Array.isArray(batch.blocks)) {
      ;(batch.blocks as readonly GpuFeatureBlock[]).forEach((b, k) => {
        f.set(b.features, layout.offFeatures + k * n * C)
        f.set(b.norms, layout.offNorms + k * n)
      })
    }
    batch.samples.forEach((s, k) => f.set(s, layout.offSamples + k * s.length))
    const ints = new Uint32Array(layout.evals * 4)
    const slotOf = this.targetSlots(batch)
    const { grid, tolerancePixels } = this.visibilityOptions
    batch.evaluations.forEach((ev, e) => {
      if (!batch.device) {
        const c = ev.camera
        const R = cameraRotation(c[AZIMUTH]!, c[ELEVATION]!, c[ROLL]!)
        const s = Math.exp(c[LOG_SCALE]!)
        f.set([...R, s, c[TX]!, c[TY]!, (tolerancePixels * 2) / (grid * s)], layout.offEvals + e * EVAL_FLOATS)
      }
      const view = batch.views[ev.view]
      if (!view || view.featureBlock >= blockCount(batch) || ev.samples >= batch.samples.length) throw new RangeError(`GPU view batch: evaluation ${e} names view ${ev.view}, samples ${ev.samples}`)
      ints.set([ev.view, slotOf(ev.target), ev.samples, view.featureBlock], e * 4)
    })
    this.device.queue.writeBuffer(this.buffers.get('F'), 0, f)
    this.device.queue.writeBuffer(this.buffers.get('U'), layout.offEvalInts * 4, ints)
    this.writeParams(batch, layout)
  }

  private mapSize(): number {
    return this.maskSize * this.maskSize
  }

  private cellSize(): number {
    return this.gridWidth * this.gridHeight * this.channels
  }

  /** Puts target `k` (distance map, feature cells) into device slot `slot`. */
  private writeTarget(k: number, slot: number): void {
    const t = this.hostTargets[k]!
    this.device.queue.writeBuffer(this.targets, 4 * slot * this.mapSize(), Float32Array.from(t.distance))
    this.device.queue.writeBuffer(this.targets, 4 * (this.cellsOffset + slot * this.cellSize()), t.cells)
  }

  /** Where each target of the batch is on the device, uploading the batch's when they are not resident. */
  private targetSlots(batch: GpuBatch): (target: number) => number {
    const count = this.hostTargets.length
    for (const ev of batch.evaluations) if (!(Number.isInteger(ev.target) && ev.target >= 0 && ev.target < count)) throw new RangeError(`GPU view batch: no target ${ev.target} of ${count}`)
    if (this.slots === count) return (target) => target
    const slots = new Map<number, number>()
    for (const ev of batch.evaluations) {
      if (slots.has(ev.target)) continue
      if (slots.size === this.slots) throw new RangeError(`GPU view batch: the batch's images need more than the ${this.slots} targets' room the device binds; use a smaller batch`)
      slots.set(ev.target, slots.size)
      this.writeTarget(ev.target, slots.size - 1)
    }
    return (target) => slots.get(target)!
  }
}

function blockCount(batch: GpuBatch): number {
  return Array.isArray(batch.blocks) ? batch.blocks.length : (batch.blocks as DeviceBlocks).count
}
