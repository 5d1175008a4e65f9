import { readFeatureFile } from '../features/cache/feature-file'
import type { SerializedTrainState } from '../engine/train/checkpoint'
import { TRAIN_SHARDS } from '../engine/train/shards'
import { resumeTraining, runTraining, startTraining } from '../engine/train/train-category'
import { writeCheckpoint } from '../runs/checkpoint'
import { prepareTraining } from '../services/train/prepare-training'
import { openEngineDevice } from '../engine/gpu/adapter'
import { engineDeviceChoice } from '../engine/gpu/engine-support'
import { engineExecutor } from './engine-executor'
import type { EngineExecutor } from './engine-executor'
import { createShardPool } from './shard-pool'
import type { TrainEvent, TrainJob, TrainOutcome } from './train-protocol'

/** Threads that will compute a job's shards. */
export function jobThreads(job: Pick<TrainJob, 'threads' | 'workerFile'>): number {
  return job.workerFile ? Math.max(1, Math.min(TRAIN_SHARDS, Math.floor(job.threads))) : 1
}

/**
 * Runs a training job in the calling thread (the training worker, or the main thread where no
 * worker build exists): the PCA and the targets, the steps (shards on helper threads when the
 * job allows more than one), checkpoints every `checkpointEvery` steps and at the end, written
 * atomically into the run folder. `shouldStop` is checked between steps; a stopped job still
 * writes its last checkpoint, from which it resumes bit for bit.
 */
export async function runTrainJob(job: TrainJob, emit: (event: TrainEvent) => void, shouldStop: () => boolean): Promise<TrainOutcome> {
  const started = performance.now()
  const inputs = job.inputs.map((i) => ({ key: i.key, mask: i.mask, entry: i.featureFile, ...(i.colour ? { colour: i.colour } : {}) }))
  const { data } = prepareTraining(inputs, { load: (file: string) => readFeatureFile(file) }, job.pcaDims, job.pcaSeed)
  const { state, targets } = job.resumeFrom ? resumeTraining(job.resumeFrom, data) : startTraining(data, job.engineConfig)
  emit({ type: 'prepared', images: targets.length, step: state.step, seconds: (performance.now() - started) / 1000 })
  const device = await openEngineDevice(engineDeviceChoice(job.device, state.config, 'training'))
  let threads = jobThreads(job)
  let engine: EngineExecutor | null = null
  let checkpoint: string | null = null
  try {
    engine = await engineExecutor(device, state, targets, async () => (threads > 1 ? createShardPool(job.workerFile!, threads - 1, state, targets) : null))
    if (engine.ranOn.device === 'gpu') threads = 1
    emit({ type: 'device', ranOn: engine.ranOn })
    const { executor, resident } = engine
    const result = await runTraining(state, targets, {
      checkpointEvery: job.checkpointEvery,
      shouldStop,
      ...(resident ? { resident } : executor ? { executor } : {}),
      onStep: (step, losses) => emit({ type: 'step', step, losses }),
      onCheckpoint: (s: SerializedTrainState) => {
        checkpoint = writeCheckpoint(job.runDir, { step: s.manifest.step, state: s.manifest as unknown as Record<string, unknown>, tensors: s.weights })
        emit({ type: 'checkpoint', step: s.manifest.step, dir: checkpoint })
      },
    })
    return { stopped: result.stopped, step: result.state.step, checkpoint, threads }
  } finally {
    await engine?.dispose()
  }
}
