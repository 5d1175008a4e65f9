import type { BackboneInfo, BackboneOptions, BackboneRuntime } from '../backbones/types'
import type { ExtractOutcome, ExtractTask } from './extract-task'

export type WorkerRequest = { type: 'init'; id: string; options: BackboneOptions; runtime: BackboneRuntime } | { type: 'batch'; tasks: ExtractTask[] }

export type WorkerReply =
  | { type: 'ready'; info: BackboneInfo; settingsHash: string }
  | { type: 'outcomes'; outcomes: ExtractOutcome[] }
  | { type: 'error'; message: string }
