import type { BackboneInfo, BackboneOptions } from '../backbones/types'
import type { ExtractOutcome, ExtractTask } from './extract-task'

export type WorkerRequest = { type: 'init'; id: string; options: BackboneOptions } | { type: 'batch'; tasks: ExtractTask[] }

export type WorkerReply =
  | { type: 'ready'; info: BackboneInfo; settingsHash: string }
  | { type: 'outcomes'; outcomes: ExtractOutcome[] }
  | { type: 'error'; message: string }
