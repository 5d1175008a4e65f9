import { describe, expect, it } from 'vitest'
import { createGpuShardExecutor } from '../../../../src/main/engine/gpu/gpu-executor'
import type { EngineConfigInput } from '../../../../src/main/engine/model/config'
import { serializeTrainState } from '../../../../src/main/engine/train/checkpoint'
import type { SerializedTrainState } from '../../../../src/main/engine/train/checkpoint'
import { resumeTraining, runTraining, startTraining, trainStep, trainStepWith } from '../../../../src/main/engine/train/train-category'
import type { TrainingData } from '../../../../src/main/engine/train/training-data'
import { useSoftwareGpuDevice } from '../../../helpers/software-gpu-device'
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

/** Total losses per step; `switches` collects the steps' mirror switches. */
async function gpuLosses(data: TrainingData, config: EngineConfigInput, steps: number, switches: number[] = []): Promise<number[]> {
  const { state, targets } = startTraining(data, config)
  const gpu = await createGpuShardExecutor(gpuDevice(), state, targets)
  const out: number[] = []
  for (let s = 0; s < steps; s++) {
    const losses = await trainStepWith(gpu.executor, state, targets)
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

  it('20 steps of semagic follow the CPU run\'s total loss within 2 % at every step, and the loss falls', async () => {
    const gpu = await gpuLosses(data, SMALL, 20)
    const cpu = cpuLosses(data, SMALL, 20)
    expectFollows(gpu, cpu, 0.02)
    expect(gpu[19]!).toBeLessThan(0.8 * gpu[0]!)
  })

  it.each([
    ['baseline (feature and deformation fields)', { variant: 'baseline' }, false],
    ['6 articulated parts, mirrors chosen by the losses (their poses move with them)', { articulation: { parts: 6 }, preferAbove: null }, true],
    ['baseline, posed, mirrors chosen by the losses (the field reads the unposed mesh)', { variant: 'baseline', articulation: { parts: 6 }, preferAbove: null }, true],
    ['no mirror scoring', { mirrorScoring: false }, false],
  ] as [string, EngineConfigInput, boolean][])('%s: 5 steps follow the CPU within 2 %%', async (_name, extra, switching) => {
    const config = { ...SMALL, ...extra }
    const switches: number[] = []
    expectFollows(await gpuLosses(data, config, 5, switches), cpuLosses(data, config, 5), 0.02)
    if (switching) expect(switches.some((s) => s > 0)).toBe(true)
  })

  it('reproduces its own bits', async () => {
    expect(await gpuLosses(data, SMALL, 3)).toEqual(await gpuLosses(data, SMALL, 3))
  })

  it('a GPU checkpoint resumes on the CPU and a CPU checkpoint on the GPU, in the one format', async () => {
    const config = { ...SMALL, steps: 16 }
    const checkpointAt = async (gpu: boolean): Promise<SerializedTrainState> => {
      const { state, targets } = startTraining(data, config)
      const engine = gpu ? await createGpuShardExecutor(gpuDevice(), state, targets) : null
      let saved: SerializedTrainState | null = null
      let steps = 0
      await runTraining(state, targets, { ...(engine ? { executor: engine.executor } : {}), onStep: () => steps++, shouldStop: () => steps >= 8, onCheckpoint: (s) => (saved = s) })
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

    const resume = async (saved: SerializedTrainState, gpu: boolean): Promise<number[]> => {
      const { state, targets } = resumeTraining({ manifest: JSON.parse(JSON.stringify(saved.manifest)), weights: saved.weights }, data)
      const engine = gpu ? await createGpuShardExecutor(gpuDevice(), state, targets) : null
      const losses: number[] = []
      const result = await runTraining(state, targets, { ...(engine ? { executor: engine.executor } : {}), onStep: (_s, l) => losses.push(l.total!) })
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
