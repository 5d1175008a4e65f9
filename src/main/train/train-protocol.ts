import type { DeviceChoice, RanOn } from '../../shared/device'
import type { ViewTarget } from '../engine/losses/view-target'
import type { EngineConfigInput } from '../engine/model/config'
import type { SerializedModel, SerializedTrainState } from '../engine/train/checkpoint'
import type { ShardInputs, ShardResult, StepPlan } from '../engine/train/shards'
import type { FeatureMap } from '../features/backbones/types'
import type { Mask, RgbImage } from '../images/rgb-image'
import type { MeshFit } from '../engine/infer/fit-image'

/** One training image as the main thread hands it over: its cropped mask, its cached feature file and, for the appearance term, its colour crop. */
export interface TrainInput {
  key: string
  mask: Mask
  featureFile: string
  colour?: RgbImage
}

/** A whole training run (or the rest of one), as the thread that trains it receives it. */
export interface TrainJob {
  /** The run folder: checkpoints are written here, atomically, by the training thread. */
  runDir: string
  inputs: TrainInput[]
  /** PCA of the backbone's features, fitted on the training images (METHOD §2). */
  pcaDims: number
  pcaSeed: number
  engineConfig: EngineConfigInput
  /** The checkpoint to continue from; null starts from scratch. */
  resumeFrom: SerializedTrainState | null
  checkpointEvery: number
  /** Threads computing the step's shards (the training thread included); capped at TRAIN_SHARDS. */
  threads: number
  /** The built worker entry, to start shard helpers from; null keeps every shard in the training thread. */
  workerFile: string | null
  /** Where the steps run; the training thread opens the device itself. */
  device: DeviceChoice
}

export type TrainEvent =
  | { type: 'prepared'; images: number; step: number; seconds: number }
  /** Where the steps run, once the device is open. */
  | { type: 'device'; ranOn: RanOn }
  | { type: 'step'; step: number; losses: Record<string, number> }
  | { type: 'checkpoint'; step: number; dir: string }

export interface TrainOutcome {
  stopped: boolean
  step: number
  /** The newest checkpoint written by this job (null if none). */
  checkpoint: string | null
  /** Threads that computed the shards. */
  threads: number
}

/** Main thread -> training thread. */
export type TrainRequest = { type: 'start'; job: TrainJob } | { type: 'stop' }
/** Training thread -> main thread. */
export type TrainReply = { type: 'event'; event: TrainEvent } | { type: 'done'; outcome: TrainOutcome } | { type: 'error'; message: string; stack?: string }

/** Training thread -> shard helper. */
export type ShardRequest =
  | { type: 'init'; model: SerializedModel; targets: ViewTarget[]; images: number }
  | { type: 'shard'; shard: number; plan: StepPlan; inputs: ShardInputs }
/** Shard helper -> training thread. */
export type ShardReply = { type: 'ready' } | { type: 'result'; result: ShardResult } | { type: 'error'; message: string; stack?: string }

/** One image to fit with the category frozen: its backbone features (not yet PCA'd), cropped mask and, for the appearance term, colour crop. */
export interface FitTask {
  key: string
  features: FeatureMap
  mask: Mask
  colour?: RgbImage
}

/** A fit as it crosses threads: the faces are the model's own, re-attached on arrival. */
export type PortableFit = Omit<MeshFit, 'faces'>

/**
 * Main thread -> fitting helper: `fit` one image on the CPU; or `open` a device (the helper keeps
 * it), `fitBatch` images together on it, and `close` it.
 */
export type FitRequest =
  | { type: 'init'; model: SerializedModel }
  | { type: 'fit'; task: FitTask }
  | { type: 'open'; device: DeviceChoice }
  | { type: 'fitBatch'; tasks: FitTask[] }
  | { type: 'close' }
/** Fitting helper -> main thread (`opened`: where `fitBatch` would run; the CPU means no GPU was found). */
export type FitReply =
  | { type: 'ready' }
  | { type: 'fitted'; key: string; fit: PortableFit }
  | { type: 'opened'; ranOn: RanOn }
  | { type: 'fittedBatch'; fits: PortableFit[] }
  | { type: 'closed' }
  | { type: 'error'; message: string; stack?: string }
