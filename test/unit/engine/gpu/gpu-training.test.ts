import { describe, expect, it } from 'vitest'
import { createGpuShardExecutor } from '../../../../src/main/engine/gpu/gpu-executor'
import { GpuResidentTrainer } from '../../../../src/main/engine/gpu/resident-trainer'
import type { EngineConfigInput } from '../../../../src/main/engine/model/config'
import { serializeTrainState } from '../../../../src/main/engine/train/checkpoint'
import type { SerializedTrainState, TrainState } from '../../../../src/main/engine/train/checkpoint'
import type { ViewTarget } from '../../../../src/main/engine/losses/view-target'
import { resumeTraining, runTraining, startTraining, trainStep, trainStepWith } from '../../../../src/main/engine/train/train-category'
import type { TrainHooks } from '../../../../src/main/engine/train/train-category'
import type { TrainingData } from '../../../../src/main/engine/train/training-data'
import { useSoftwareGpuDevice } from '../../../helpers/software-gpu-device'
import { expectClose } from './expect-close'
import { randomViews, syntheticObject } from '../synthetic-views'


const object = syntheticObject(2, true)

const dataset = (count: number, seed: number): TrainingData => randomViews(object, count, seed)

/**
 * Small enough for SwiftShader on 2 cores: a level-2 template (162 vertices), batch 4, 3
 * hypotheses + mirrors. Three, not four: the first cameras are evenly spaced in azimuth, and at
 * 90 and 180 degrees they look along the symmetric template's planes, where pairs of vertices
 * tie for a chamfer sample, vertices land on the distance map's cell edges and opposite
 * hypotheses fit equally well, but for rounding. float64 and f32 break those ties differently
 * (both valid), and the runs then drift apart as two seeds would: with 4 hypotheses, 11.6 % apart
 * at worst over 20 steps (docs/experiments/gpu-cpu-parity.md).
 */
const SMALL: EngineConfigInput = { steps: 20, batchSize: 4, hypotheses: 3, seed: 4, templateLevel: 2, featureWeightRamp: 0.2 }

const gpuDevice = useSoftwareGpuDevice()

/** The two GPU paths: the step's shards on the device (gpu-executor), or whole steps with the state resident there (resident-trainer, semagic). */
type GpuPath = 'shards' | 'resident'

async function gpuEngine(path: GpuPath, state: TrainState, targets: readonly ViewTarget[]): Promise<{ hooks: Pick<TrainHooks, 'executor' | 'resident'>; step(): Promise<Record<string, number>>; dispose(): void }> {
  if (path === 'resident') {
    const trainer = await GpuResidentTrainer.create(gpuDevice(), state, targets)
    return { hooks: { resident: trainer }, step: () => trainer.step(state, targets), dispose: () => trainer.destroy() }
  }
  const gpu = await createGpuShardExecutor(gpuDevice(), state, targets)
  return { hooks: { executor: gpu.executor }, step: () => trainStepWith(gpu.executor, state, targets), dispose: () => gpu.dispose() }
}

/** Total losses per step; `switches` collects the steps' mirror switches. */
async function gpuLosses(data: TrainingData, config: EngineConfigInput, steps: number, switches: number[] = [], path: GpuPath = 'shards'): Promise<number[]> {
  const { state, targets } = startTraining(data, config)
  const gpu = await gpuEngine(path, state, targets)
  const out: number[] = []
  for (let s = 0; s < steps; s++) {
    const losses = await gpu.step()
    out.push(losses.total!)
    switches.push(losses.mirrorSwitches!)
  }
  gpu.dispose()
  return out
}

function cpuLosses(data: TrainingData, config: EngineConfigInput, steps: number): number[] {
  const { state, targets } = startTraining(data, config)
  return Array.from({ length: steps }, () => trainStep(state, targets).total!)
}

function expectFollows(gpu: readonly number[], cpu: readonly number[], within: number): void {
  expect(gpu.length).toBe(cpu.length)
  gpu.forEach((g, s) => expect(Math.abs(g - cpu[s]!), `step ${s + 1}: GPU ${g}, CPU ${cpu[s]}`).toBeLessThanOrEqual(within * cpu[s]!))
}

describe('training steps with the GPU executor (SwiftShader) against the CPU engine', () => {
  const data = dataset(8, 1)

  it.each(['shards', 'resident'] as GpuPath[])('20 steps of semagic (%s) follow the CPU run\'s total loss within 2 %% at every step, and the loss falls', async (path) => {
    const gpu = await gpuLosses(data, SMALL, 20, [], path)
    const cpu = cpuLosses(data, SMALL, 20)
    expectFollows(gpu, cpu, 0.02)
    expect(gpu[19]!).toBeLessThan(0.8 * gpu[0]!)
  })

  it.each([
    ['baseline (feature and deformation fields)', { variant: 'baseline' }, false],
    ['6 articulated parts, mirrors chosen by the losses (their poses move with them)', { articulation: { parts: 6 }, preferAbove: null }, true],
    ['baseline, posed, mirrors chosen by the losses (the field reads the unposed mesh)', { variant: 'baseline', articulation: { parts: 6 }, preferAbove: null }, true],
    ['a skeleton (4 spine bones and the limbs\' chains), mirrors chosen by the losses', { articulation: { parts: 4, rig: 'skeleton' }, preferAbove: null }, true],
    ['no mirror scoring', { mirrorScoring: false }, false],
    ['resident, no mirror scoring', { mirrorScoring: false }, false, 'resident'],
    ['resident, mirrors chosen by the losses', { preferAbove: null, featureWeightRamp: 0 }, true, 'resident'],
    ['resident baseline (both fields on the device)', { variant: 'baseline' }, false, 'resident'],
    ['resident semagic-ii (the feature field on the device)', { variant: 'semagic-ii' }, false, 'resident'],
    ['resident semagic-i (the deformation field on the device)', { variant: 'semagic-i' }, false, 'resident'],
    ['the viewpoint prior (the neighbours\' kept azimuths weigh in the choice)', { viewpointPrior: 1 }, false],
    ['resident, the viewpoint prior', { viewpointPrior: 1 }, false, 'resident'],
  ] as [string, EngineConfigInput, boolean, GpuPath?][])('%s: 5 steps follow the CPU within 2 %%', async (_name, extra, switching, path) => {
    const config = { ...SMALL, ...extra }
    const switches: number[] = []
    expectFollows(await gpuLosses(data, config, 5, switches, path), cpuLosses(data, config, 5), 0.02)
    if (switching) expect(switches.some((s) => s > 0)).toBe(true)
  })

  it.each(['shards', 'resident'] as GpuPath[])('reproduces its own bits (%s)', async (path) => {
    expect(await gpuLosses(data, SMALL, 3, [], path)).toEqual(await gpuLosses(data, SMALL, 3, [], path))
  })

  it.each([
    ['shards', 'semagic'],
    ['resident', 'semagic'],
    ['resident', 'baseline'],
  ] as [GpuPath, EngineConfigInput['variant']][])('a GPU checkpoint (%s, %s) resumes on the CPU and a CPU checkpoint on the GPU, in the one format', async (path, variant) => {
    const config = { ...SMALL, variant, steps: 16 }
    const checkpointAt = async (gpu: boolean): Promise<SerializedTrainState> => {
      const { state, targets } = startTraining(data, config)
      const engine = gpu ? await gpuEngine(path, state, targets) : null
      let saved: SerializedTrainState | null = null
      let steps = 0
      await runTraining(state, targets, { ...engine?.hooks, onStep: () => steps++, shouldStop: () => steps >= 8, onCheckpoint: (s) => (saved = s) })
      engine?.dispose()
      return saved!
    }
    const fromGpu = await checkpointAt(true)
    const fromCpu = await checkpointAt(false)
    expect(fromGpu.manifest.step).toBe(8)
    expect(Object.keys(fromGpu.weights)).toEqual(Object.keys(fromCpu.weights))
    expect({ ...fromGpu.manifest, rng: null }).toEqual({ ...fromCpu.manifest, rng: null })
    // The generator draws the same batches whatever the device.
    expect(fromGpu.manifest.rng).toEqual(fromCpu.manifest.rng)
    // The checkpoint holds the values the steps reached (read back from the device when resident).
    // baseline's cameras' first moments are left out: in the first step on the device a tie at the
    // symmetric start breaks otherwise for one camera's azimuth gradient (row 6, hypothesis 0:
    // first moment 2.78 against the CPU's 2.10), the values equal; semagic's resident steps show
    // the same (1.74 against 0.78, on main too), below this tolerance (gpu-cpu-parity.md).
    const category = variant === 'baseline' ? ['deformationField.0.weight', 'featureField.1.weight#m'] : ['basis', 'cameras#m']
    for (const name of ['shape', ...category, 'cameras', 'codes', 'cameras#steps']) expectClose(fromGpu.weights[name]!, fromCpu.weights[name]!, 0.02, name)

    const resume = async (saved: SerializedTrainState, gpu: boolean): Promise<number[]> => {
      const { state, targets } = resumeTraining({ manifest: JSON.parse(JSON.stringify(saved.manifest)), weights: saved.weights }, data)
      const engine = gpu ? await gpuEngine(path, state, targets) : null
      const losses: number[] = []
      const result = await runTraining(state, targets, { ...engine?.hooks, onStep: (_s, l) => losses.push(l.total!) })
      engine?.dispose()
      expect(serializeTrainState(result.state).manifest.step).toBe(16)
      return losses
    }
    // Each resumed run follows the other device's resume from its own checkpoint.
    const gpuThenCpu = await resume(fromGpu, false)
    const cpuThenGpu = await resume(fromCpu, true)
    const cpuThenCpu = await resume(fromCpu, false)
    expectFollows(gpuThenCpu, cpuThenCpu, 0.02)
    expectFollows(cpuThenGpu, cpuThenCpu, 0.02)
  })
})
