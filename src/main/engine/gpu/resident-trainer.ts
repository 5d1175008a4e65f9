/// <reference types="@webgpu/types" />
import { AZIMUTH, CAMERA_SIZE, mirrorCamera } from '../camera/view-camera'
import type { ViewTarget } from '../losses/view-target'
import { BETA1, BETA2, Param } from '../math/adam'
import { fourierSize } from '../math/fourier'
import { mlpParams } from '../math/mlp'
import type { EngineConfig } from '../model/config'
import type { TrainState } from '../train/checkpoint'
import { bestHypothesis, priorLosses, settleHypothesis, timed, timedAsync } from '../train/image-step'
import type { StepProfile } from '../train/image-step'
import { IMAGE_TERMS, addImageTerms, planStep } from '../train/shards'
import { stepLosses } from '../train/train-category'
import type { ResidentStepper } from '../train/train-category'
import { COPY_DST, COPY_SRC, DeviceBuffers, STORAGE, withErrorScopes } from './device-buffers'
import { GpuFeatureField } from './field-batch'
import { createGpuImageEngine } from './gpu-image-steps'
import type { GpuImageEngine } from './gpu-image-steps'
import { GpuInstanceBackward } from './instance-backward'
import { ADAM_WORDS, JOB_WORDS, RESIDENT_ENTRY_POINTS, RESIDENT_KERNELS, RESIDENT_PARAMS, RESIDENT_WORKGROUP, SECOND_END } from './resident-kernels'
import type { ResidentEntryPoint, ResidentParam } from './resident-kernels'

/** Whether a configuration's steps can run resident (every variant without articulation or normal consistency); the others keep gpu-executor. */
export function residentSupported(config: EngineConfig): boolean {
  return config.articulation.parts === 0 && config.weights.normalShape === 0
}

/** The state's tensors in the order R holds them; a field's parameters are one tensor (mlpParams order). */
function stateTensors(state: TrainState): Param[][] {
  const { model } = state
  return [[model.shape], model.basis ? [model.basis] : mlpParams(model.deformationField!), model.features ? [model.features] : mlpParams(model.featureField!), [state.cameras], [state.codes]]
}

/** The state's arrays at their offsets in R: each tensor as its values, first moments, second moments (a field's parameters one after another in each). */
function stateArrays(state: TrainState): [Float32Array, number][] {
  const out: [Float32Array, number][] = []
  let o = 0
  for (const t of stateTensors(state)) {
    for (const part of ['value', 'm', 'v'] as const) {
      for (const p of t) {
        out.push([p[part], o])
        o += p[part].length
      }
    }
  }
  return out
}

const totalLength = (params: readonly Param[]): number => params.reduce((a, p) => a + p.value.length, 0)

type Layout = Record<ResidentParam, number>

/** What the trainer runs on the device besides its own kernels; `own` are the parts it made and frees. */
interface DeviceParts {
  engine: GpuImageEngine
  backward: GpuInstanceBackward
  deformation: GpuFeatureField | null
  own: { destroy(): void }[]
}

/** Reduction results in R from oRed: the mean rest length, the shape's three sums, then 4 per image. */
const RED_SHAPE = 4
const RED_PER_IMAGE = 4
/** Workgroups a dispatch dimension may have (WebGPU's default limit). */
const MAX_GROUPS = 65535

/**
 * A whole training step on a WebGPU device with the state resident there (issue 19): the
 * category's and the parameters' values and Adam moments live in one device buffer between
 * steps, and the host keeps only the generator, the step counts and the decisions. Every variant
 * without articulation or normal consistency: a field (the deformation field G(gamma(V0)) in
 * place of the per-vertex basis, the feature field at gamma(V) in place of the per-vertex
 * features) is one resident tensor of its weights (mlpParams order) with its moments, run by
 * field-batch's MLP kernels, which copy their weights and inputs from R and their gradients into
 * R on the device. A step:
 *
 * 1. the category's forward pass (with a deformation field: V0, gamma(V0), the field's forward
 *    pass, then B = sym of its output, in three submissions), every batch image's instance and
 *    normals, the evaluations' cameras (resident-kernels), the regularisers with their gradients,
 *    the feature field's forward pass over every image's gamma(V), and the view kernels' scoring
 *    of every hypothesis and mirror (view-batch), which reads back each evaluation's loss sums,
 *    its six camera values and the regularisers' energies;
 * 2. on the host, image-step's rules as they are (settleHypothesis, bestHypothesis) on those
 *    values: mirror switches, camera gradients (float64, then uploaded), each image's best view;
 * 3. the best views' gradients; the feature field's backward pass and its path into each dL/dV;
 *    the instance backward pass (instance-backward), the gradients' symmetrisation, the switches;
 *    the deformation field's backward pass from dL/dB and its path into V0; Adam on every tensor.
 *
 * Read back per step: 16 sums + 6 camera values per evaluation (batch x hypotheses x 2) and 4
 * energies per image + 4; nothing else until `sync` reads the state (at checkpoints and the end).
 */
export class GpuResidentTrainer implements ResidentStepper {
  private readonly pipelines: Record<ResidentEntryPoint, GPUComputePipeline>
  private readonly bindLayout: GPUBindGroupLayout
  private readonly buffers: DeviceBuffers<'T' | 'R'>
  private readonly layout: Layout
  private readonly images: number
  private readonly stateEnd: number
  private readonly adamTotal: number

  static async create(device: GPUDevice, state: TrainState, targets: readonly ViewTarget[]): Promise<GpuResidentTrainer> {
    if (!residentSupported(state.config)) throw new Error(`GPU resident trainer: ${state.config.variant} with ${state.config.articulation.parts} articulated parts and normal consistency ${state.config.weights.normalShape} is not supported (the variants without articulation or normal consistency are)`)
    const { model } = state
    const engine = await createGpuImageEngine(device, model, targets)
    const own: { destroy(): void }[] = []
    const track = <T extends { destroy(): void }>(part: T): T => (own.push(part), part)
    try {
      // semagic's instance backward pass comes with the engine; the others' is made here, with no features to sum without per-vertex ones (the feature field's path reaches dL/dV instead).
      const backward = engine.backward ?? track(await GpuInstanceBackward.create(device, model.template.vertexCount, model.config.codeDims, model.features ? model.channels : 0))
      const deformation = model.deformationField ? track(await GpuFeatureField.create(device, model.deformationField)) : null
      const parts: DeviceParts = { engine, backward, deformation, own }
      return await withErrorScopes(device, 'compiling the resident kernels and uploading the state', async () => new GpuResidentTrainer(device, state, targets.length, parts))
    } catch (error) {
      engine.destroy()
      for (const o of own) o.destroy()
      throw error
    }
  }

  private constructor(
    private readonly device: GPUDevice,
    private readonly state: TrainState,
    private readonly rows: number,
    private readonly parts: DeviceParts,
  ) {
    const { config, model } = state
    const { template } = model
    const n = template.vertexCount
    const K = config.codeDims
    const C = model.channels
    const H = config.hypotheses
    const E = template.edges.length / 2
    const I = Math.min(config.batchSize, rows)
    const per = config.mirrorScoring ? 2 : 1
    const EV = I * H * per
    this.images = I
    const [shapeT, deformT, featureT] = stateTensors(state).map(totalLength) as [number, number, number]
    this.adamTotal = shapeT + deformT + featureT + I * H * CAMERA_SIZE + I * K
    const camLength = rows * H * CAMERA_SIZE
    const deformationField = model.deformationField ? config.deformationField.frequencies : 0
    const featureField = model.featureField ? config.featureField.frequencies : 0
    const Fd = model.deformationField ? n * fourierSize(deformationField) : 0
    const Ff = model.featureField ? I * n * fourierSize(featureField) : 0
    const l: Partial<Layout> = { n, K, C, E, I, H, per, camLength, Ld: deformationField, Lf: featureField }
    let at = 0
    const take = (name: ResidentParam, size: number): void => {
      l[name] = at
      at += size
    }
    take('oP', 3 * shapeT)
    take('oBr', 3 * deformT)
    take('oPhi', 3 * featureT)
    take('oCam', 3 * camLength)
    take('oZ', 3 * rows * K)
    this.stateEnd = at
    const work: [ResidentParam, number][] = [
      ['oV0', 3 * n], ['oB', 3 * n * K], ['oRest', E], ['oD', I * 3 * n], ['oV', I * 3 * n], ['oN', I * 3 * n], ['oPhiN', n], ['oEval', EV * 16],
      // Read back together: the evaluations' cameras, then the reductions.
      ['oEvCam', EV * CAMERA_SIZE], ['oRed', RED_SHAPE + RED_PER_IMAGE * I],
      ['oLx', (I + 1) * 3 * n], ['oEdgeR', I * E], ['oU2', E], ['oUC', E], ['oZb', I * K], ['oGD', I * 3 * n], ['oGV0r', 3 * n], ['oGS', 3 * n], ['oGB', 3 * n * K],
      // The instance backward pass's results, in its layout.
      ['oBV0', 3 * n], ['oBB', 3 * n * K], ['oGPhi', model.features ? n * C : 0], ['oBZ', I * K],
      ['oGZ', I * K],
      // The fields: the deformation field's output at V0, the encodings and their gradients, the
      // weights' gradients (oGB, oGPhi for a field), the views' dL/dV with the feature field's path.
      ['oBsrc', model.basis ? 0 : 3 * n * K], ['oEncD', Fd], ['oDEncD', Fd], ['oEncF', Ff], ['oDEncF', Ff], ['oGVf', model.featureField ? I * 3 * n : 0],
      ['oGWd', model.deformationField ? deformT : 0], ['oGWf', model.featureField ? featureT : 0],
      // Uploaded per step: switches, the switched cameras' values, the camera gradients.
      ['oCamFlag', I * H], ['oCamVal', I * H * CAMERA_SIZE], ['oCamGrad', I * H * CAMERA_SIZE],
    ]
    for (const [name, size] of work) take(name, size)
    if (model.basis) l.oBsrc = l.oBr
    const rSize = at

    // T: the parameters, the template's connectivity, then the step's rows, Adam entries and the jobs.
    const topology: [ResidentParam, ArrayLike<number>][] = [
      ['tMirror', template.mirror], ['tNbStart', template.neighbourStart], ['tNb', template.neighbours], ['tEdges', template.edges],
      ...incidence(n, template.edges, template.faces).map(([name, a]) => [name, a] as [ResidentParam, ArrayLike<number>]),
      ['tFaces', template.faces],
    ]
    let t = RESIDENT_PARAMS.length
    const tParts: [number, ArrayLike<number>][] = []
    for (const [name, a] of topology) {
      l[name] = t
      tParts.push([t, a])
      t += a.length
    }
    const adamEntries = stateTensors(state).slice(0, 3).reduce((a, t) => a + t.length, 0) + 2 * I
    Object.assign(l, { tRows: t, tAdam: t + I, adamEntries, tJobs: t + I + adamEntries * ADAM_WORDS, jobsFirst: 1, jobsSecond: RED_SHAPE - 1 + RED_PER_IMAGE * I, adamTotal: this.adamTotal })
    const jobs: [number, number, boolean, number][] = [[l.oRest!, E, false, 1 / E]]
    const w = config.weights
    jobs.push([l.oLx! + I * 3 * n, 3 * n, true, w.laplacianShape / n], [l.oU2!, E, false, w.edgeShape / E], [l.oUC!, E, false, 1 / E])
    for (let b = 0; b < I; b++) {
      jobs.push([l.oLx! + b * 3 * n, 3 * n, true, w.laplacianDeformation / n], [l.oEdgeR! + b * E, E, true, w.edgeDeformation / E], [l.oD! + b * 3 * n, 3 * n, true, w.deformation / n], [l.oZb! + b * K, K, true, w.code])
    }
    const tSize = l.tJobs! + jobs.length * JOB_WORDS
    const layout = l as Layout
    this.layout = layout
    const words = new Uint32Array(tSize)
    const floats = new Float32Array(words.buffer)
    RESIDENT_PARAMS.forEach((name, k) => (words[k] = layout[name] ?? 0))
    const setFloat = (name: ResidentParam, v: number): void => void (floats[RESIDENT_PARAMS.indexOf(name)] = v)
    setFloat('wLapD', w.laplacianDeformation)
    setFloat('wEdgeD', w.edgeDeformation)
    setFloat('wDef', w.deformation)
    setFloat('wCode', w.code)
    setFloat('wLapS', w.laplacianShape)
    setFloat('wEdgeS', w.edgeShape)
    setFloat('gradScale', 1 / I)
    setFloat('tolFactor', (config.visibility.tolerancePixels * 2) / config.visibility.grid)
    for (const [o, a] of tParts) words.set(a, o)
    jobs.forEach(([src, count, squares, scale], j) => {
      const o = layout.tJobs + j * JOB_WORDS
      words.set([src, count, squares ? 1 : 0], o)
      floats[o + 3] = scale
    })

    this.buffers = new DeviceBuffers(device)
    this.buffers.ensure('T', tSize, STORAGE | COPY_DST)
    this.buffers.ensure('R', rSize, STORAGE | COPY_DST | COPY_SRC)
    device.queue.writeBuffer(this.buffers.get('T'), 0, words)
    this.upload(state)
    const module = device.createShaderModule({ code: RESIDENT_KERNELS })
    this.bindLayout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: 4, buffer: { type: 'read-only-storage' } },
        { binding: 1, visibility: 4, buffer: { type: 'storage' } },
      ],
    })
    const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [this.bindLayout] })
    this.pipelines = Object.fromEntries(RESIDENT_ENTRY_POINTS.map((k) => [k, device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint: k } })])) as Record<ResidentEntryPoint, GPUComputePipeline>
  }

  private upload(state: TrainState): void {
    const host = new Float32Array(this.stateEnd)
    for (const [array, o] of stateArrays(state)) host.set(array, o)
    this.device.queue.writeBuffer(this.buffers.get('R'), 0, host)
  }

  async sync(state: TrainState): Promise<void> {
    this.check(state)
    const host = await withErrorScopes(this.device, 'reading the state back', () => this.buffers.read(this.device.createCommandEncoder(), 'R', 0, this.stateEnd))
    for (const [array, o] of stateArrays(state)) array.set(host.subarray(o, o + array.length))
  }

  async step(state: TrainState, targets: readonly ViewTarget[], profile?: StepProfile): Promise<Record<string, number>> {
    this.check(state)
    if (targets.length !== this.rows) throw new Error(`GPU resident trainer: ${targets.length} targets, the device holds ${this.rows}`)
    return withErrorScopes(this.device, 'a resident step', () => this.stepUnchecked(state, targets, profile))
  }

  /** `values` values of R from the layout's `name` (the last step's work, or the state), for tests against the CPU engine. */
  inspect(name: ResidentParam, values: number): Promise<Float32Array> {
    return withErrorScopes(this.device, 'inspecting', () => this.buffers.read(this.device.createCommandEncoder(), 'R', this.layout[name], values))
  }

  destroy(): void {
    this.parts.engine.destroy()
    for (const o of this.parts.own) o.destroy()
    this.buffers.destroy()
  }

  private check(state: TrainState): void {
    if (state !== this.state) throw new Error('GPU resident trainer: a state other than the one it was made for')
  }

  private async stepUnchecked(state: TrainState, targets: readonly ViewTarget[], profile?: StepProfile): Promise<Record<string, number>> {
    const { model } = state
    const { engine, backward, deformation } = this.parts
    const { kernels, field } = engine
    const l = this.layout
    const { n, K, E, H, per } = l
    const I = this.images
    const EV = I * H * per
    const R = this.buffers.get('R')
    const plan = planStep(state, targets)
    const { batch, gradScale } = plan
    const priors = plan.shards.flatMap((s) => s.priors)
    if (batch.length !== I) throw new Error(`GPU resident trainer: a batch of ${batch.length} images, laid out for ${I}`)
    const groups = (items: number): number => Math.ceil(items / RESIDENT_WORKGROUP)

    // 1. Forward, regularisers, cameras; then the view kernels score every evaluation.
    this.device.queue.writeBuffer(this.buffers.get('T'), 4 * l.tRows, Uint32Array.from(batch))
    const instances: [ResidentEntryPoint, number, number?][] = [
      ['symmetriseBasis', groups(n)], ['instance', groups(3 * n), I], ['normals', groups(n), I], field ? ['encodeInstances', groups(I * n)] : ['featureNorms', groups(n)],
      ['cameras', groups(EV)], ['reduceFirst', l.jobsFirst], ['edgeTerms', groups(E), I + 1], ['laplacian', groups(n), I + 1], ['reduceSecond', l.jobsSecond],
      ['instanceGrad', groups(n), I], ['shapeGrad', groups(n)],
    ]
    if (deformation) {
      // B is the deformation field at gamma(V0): its MLP runs between V0 and the instances.
      this.encode([['symmetrise', groups(n)], ['restEdges', groups(E)], ['encodeShape', groups(n)]])
      deformation.forwardOnDevice(R, 4 * l.oBr, 4 * l.oEncD, n)
      const out = deformation.output()
      const encoder = this.device.createCommandEncoder()
      encoder.copyBufferToBuffer(out.buffer, out.features, R, 4 * l.oBsrc, 4 * 3 * n * K)
      this.encode(instances, encoder)
    } else {
      this.encode([['symmetrise', groups(n)], ['restEdges', groups(E)], ...instances])
    }
    if (field) field.forwardOnDevice(R, 4 * l.oPhi, 4 * l.oEncF, I * n)
    const evaluations = batch.flatMap((row, b) => Array.from({ length: H * per }, () => ({ view: b, target: row, samples: b, camera: [] })))
    const { scores, tail } = await timedAsync(profile, 'gpu forward + scoring', () =>
      kernels.scoreDevice({
        views: batch.map((_, b) => ({ vertices: [], normals: [], featureBlock: field ? b : 0 })),
        blocks: field ? { count: I, ...field.output() } : { count: 1, buffer: R, features: 4 * l.oPhi, norms: 4 * l.oPhiN },
        samples: plan.shards.flatMap((s) => s.samples),
        evaluations,
        weights: plan.weights,
        device: { buffer: R, vertices: 4 * l.oV, normals: 4 * l.oN, evals: 4 * l.oEval, tail: { offset: 4 * l.oEvCam, values: EV * CAMERA_SIZE + RED_SHAPE + RED_PER_IMAGE * I } },
      }),
    )
    const cams = tail.subarray(0, EV * CAMERA_SIZE)
    const red = tail.subarray(EV * CAMERA_SIZE)

    // 2. image-step's decisions on the evaluated cameras; the switched values and the gradients go up.
    const batchCameras = new Param('batch cameras', new Float32Array(I * H * CAMERA_SIZE), 0, H * CAMERA_SIZE)
    const flags = new Float32Array(I * H)
    const terms = new Float64Array(I * IMAGE_TERMS.length)
    const chosen = timed(profile, 'decisions', () =>
      batch.map((_, b) => {
        const picked: number[] = []
        for (let h = 0; h < H; h++) {
          const k = b * H + h
          const e = k * per
          batchCameras.value.set(cams.subarray(e * CAMERA_SIZE, (e + 1) * CAMERA_SIZE), k * CAMERA_SIZE)
          const mirror = per === 2 ? { loss: scores[e + 1]!.loss, camera: mirrorCamera(batchCameras.value, k * CAMERA_SIZE) } : null
          const toMirror = settleHypothesis(model, batchCameras, k * CAMERA_SIZE, scores[e]!.loss, scores[e]!.camera, mirror, gradScale)
          flags[k] = toMirror ? 1 : 0
          picked.push(toMirror ? e + 1 : e)
        }
        const best = bestHypothesis(priorLosses(picked.map((e) => scores[e]!.loss.total), batchCameras.value, b * H * CAMERA_SIZE, priors[b], model.config.viewpointPrior))
        state.keptAzimuths[batch[b]!] = batchCameras.value[(b * H + best) * CAMERA_SIZE + AZIMUTH]!
        const evaluation = picked[best]!
        const { loss } = scores[evaluation]!
        const r = red.subarray(RED_SHAPE + RED_PER_IMAGE * b)
        terms.set([loss.total, loss.dt, loss.chamfer, loss.feature, loss.visibleCount / n, r[0]!, r[1]!, r[2]!, r[3]!, 0, flags.subarray(b * H, (b + 1) * H).reduce((a, f) => a + f, 0)], b * IMAGE_TERMS.length)
        return evaluation
      }),
    )
    const upload = new Float32Array(I * H * (1 + 2 * CAMERA_SIZE))
    upload.set(flags)
    upload.set(batchCameras.value, I * H)
    upload.set(batchCameras.grad, I * H * (1 + CAMERA_SIZE))
    this.device.queue.writeBuffer(R, 4 * l.oCamFlag, upload)

    // 3. The best views' gradients, the backward pass, the switches and Adam.
    await timedAsync(profile, 'gpu best hypothesis', () => kernels.bestGradientsOnDevice(chosen))
    this.writeAdamEntries(state, batch)
    let views = kernels.deviceGradients()
    if (field) {
      // The feature field's backward pass (its weight gradients scaled), then its path into each dL/dV.
      field.backwardOnDevice(views.buffer, views.features, gradScale, { buffer: R, inputs: 4 * l.oDEncF, weights: 4 * l.oGWf })
      const encoder = this.device.createCommandEncoder()
      encoder.copyBufferToBuffer(views.buffer, views.vertices, R, 4 * l.oGVf, 4 * I * 3 * n)
      this.encode([['instanceFieldGrad', groups(I * n)]], encoder)
      views = { buffer: R, vertices: 4 * l.oGVf, features: 0 }
    }
    const encoder = this.device.createCommandEncoder()
    const out = backward.encodeOnDevice(encoder, views, { buffer: R, gD: 4 * l.oGD, z: 4 * l.oZb, B: 4 * l.oB }, I, gradScale)
    encoder.copyBufferToBuffer(out.buffer, 0, R, 4 * l.oBV0, 4 * out.values)
    const adamGroups = groups(this.adamTotal)
    const adam: [ResidentEntryPoint, number, number?] = ['adam', Math.min(adamGroups, MAX_GROUPS), Math.ceil(adamGroups / MAX_GROUPS)]
    const finish: [ResidentEntryPoint, number, number?][] = [['finishGrads', groups(n)], ['settleCameras', groups(I * H)], ['codeGrads', groups(I * K)]]
    if (deformation) {
      // dL/dB (symmetrised) back through the deformation field into its weights and V0.
      this.encode(finish, encoder)
      deformation.backwardOnDevice(R, 4 * l.oGB, 1, { buffer: R, inputs: 4 * l.oDEncD, weights: 4 * l.oGWd })
      this.encode([['shapeFieldGrad', groups(n)], adam])
    } else {
      this.encode([...finish, adam], encoder)
    }

    state.step++
    const sums: Record<string, number> = {}
    addImageTerms(sums, terms, I, I)
    return stepLosses(sums, { laplacianShape: red[1]!, edgeShape: red[2]!, normalShape: 0 }, plan.featureWeight)
  }

  /** Encodes the kernels in one pass (into `encoder`, or a fresh one) and submits. */
  private encode(dispatches: [ResidentEntryPoint, number, number?][], encoder = this.device.createCommandEncoder()): void {
    const pass = encoder.beginComputePass()
    pass.setBindGroup(0, this.bindGroup())
    for (const [k, x, y] of dispatches) {
      pass.setPipeline(this.pipelines[k])
      pass.dispatchWorkgroups(x, y ?? 1)
    }
    pass.end()
    this.device.queue.submit([encoder.finish()])
  }

  /** The step's Adam entries (math/adam's rule; the bias corrections in float64 from the host's step counts, which advance here). */
  private writeAdamEntries(state: TrainState, batch: readonly number[]): void {
    const l = this.layout
    const { model, cameras, codes } = state
    const words = new Uint32Array(l.adamEntries * ADAM_WORDS)
    const floats = new Float32Array(words.buffer)
    let entry = 0
    let first = 0
    // Rows `r` of p, which starts `at` values into a tensor of `length` values at `base`.
    const add = (p: Param, base: number, length: number, at: number, r: number, grad: number): void => {
      const t = p.steps[r]! + 1
      p.steps[r] = t
      const o = entry++ * ADAM_WORDS
      words.set([base, length, at + r * p.rowSize, p.rowSize, grad, first], o)
      floats[o + 6] = p.lr / (1 - BETA1 ** t)
      floats[o + 7] = Math.sqrt(1 - BETA2 ** t)
      first += p.rowSize
    }
    const tensor = (params: readonly Param[], base: number, grad: number): void => {
      const length = totalLength(params)
      let at = 0
      for (const p of params) {
        add(p, base, length, at, 0, grad + at)
        at += p.value.length
      }
    }
    const [shape, deformation, features] = stateTensors(state) as [Param[], Param[], Param[]]
    tensor(shape, l.oP, l.oGS)
    tensor(deformation, l.oBr, model.basis ? l.oGB : l.oGWd)
    tensor(features, l.oPhi, model.features ? l.oGPhi : l.oGWf)
    batch.forEach((row, b) => add(cameras, l.oCam, cameras.value.length, 0, row, l.oCamGrad + b * cameras.rowSize))
    batch.forEach((row, b) => add(codes, l.oZ, codes.value.length, 0, row, l.oGZ + b * codes.rowSize))
    this.device.queue.writeBuffer(this.buffers.get('T'), 4 * l.tAdam, words)
  }

  private bindGroup(): GPUBindGroup {
    return this.buffers.bindGroup(this.bindLayout, () => [this.buffers.get('T'), this.buffers.get('R')].map((buffer) => ({ buffer })))
  }
}

/** Each vertex's edges (in edge order, SECOND_END marking the edge's second end) and faces (in face order), as offsets and lists. */
function incidence(n: number, edges: Uint32Array, faces: Uint32Array): [string, Uint32Array][] {
  const lists = (count: number, ends: (item: number) => number[], word: (item: number, slot: number) => number): [Uint32Array, Uint32Array] => {
    const per: number[][] = Array.from({ length: n }, () => [])
    for (let k = 0; k < count; k++) ends(k).forEach((v, slot) => per[v]!.push(word(k, slot)))
    const start = new Uint32Array(n + 1)
    for (let i = 0; i < n; i++) start[i + 1] = start[i]! + per[i]!.length
    return [start, Uint32Array.from(per.flat())]
  }
  const [veStart, ve] = lists(edges.length / 2, (e) => [edges[2 * e]!, edges[2 * e + 1]!], (e, slot) => (slot === 0 ? e : (e | SECOND_END) >>> 0))
  const [vfStart, vf] = lists(faces.length / 3, (f) => [faces[3 * f]!, faces[3 * f + 1]!, faces[3 * f + 2]!], (f) => f)
  return [['tVeStart', veStart], ['tVe', ve], ['tVfStart', vfStart], ['tVf', vf]]
}
