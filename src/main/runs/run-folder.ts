import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { TrainConfig, TrainSummary } from '../../shared/ipc/channels/train'
import { AppError } from '../core/app-error'

/** Run ids name folders on every file system a run may travel to. */
export const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/

/** Refuses a run id that could not name a folder of its own (a path, a dot-dot). */
export function checkRunId(id: string): void {
  if (!RUN_ID.test(id)) throw new AppError('BAD_INPUT', `run id "${id}" is not a folder name (letters, digits, . _ -; at most 200)`)
}

export const RUN_MANIFEST = 'run.json'
/** Written when a run ends well: its summary, the same object the index keeps. */
export const RUN_SUMMARY = 'summary.json'
/** `semagic eval --json` of the run's model on a split, where a cluster task leaves it (`eval/test.json`). */
export const RUN_EVAL_DIR = 'eval'

/** What `run.json` holds: only relative names and content hashes, so the folder can move. */
export interface RunManifest {
  id: string
  config: TrainConfig
  dataset: { name: string; version: string }
  backend: string
  codeVersion: string
  createdAt: string
}

const bad = (file: string, field: string, problem: string): AppError => new AppError('BAD_INPUT', `${file}: ${field} ${problem}`)

/** Reads and checks a run folder's `run.json`; a problem names the file and the field. */
export function readRunManifest(dir: string): RunManifest {
  const file = join(dir, RUN_MANIFEST)
  if (!existsSync(file)) throw new AppError('BAD_INPUT', `${dir}: not a run folder (no ${RUN_MANIFEST})`)
  let m: unknown
  try {
    m = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new AppError('BAD_INPUT', `${file}: ${(error as Error).message}`)
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw bad(file, 'the content', 'is not a JSON object')
  const o = m as Record<string, unknown>
  if (typeof o.id !== 'string' || !RUN_ID.test(o.id)) throw bad(file, 'id', `is ${JSON.stringify(o.id)}, not a run id (letters, digits, . _ -)`)
  const config = TrainConfig.safeParse(o.config)
  if (!config.success) {
    const issue = config.error.issues[0]
    throw bad(file, `config.${issue?.path.join('.') ?? ''}`, issue?.message ?? 'is invalid')
  }
  const ds = o.dataset as Record<string, unknown> | undefined
  if (typeof ds?.name !== 'string') throw bad(file, 'dataset.name', 'is missing')
  if (typeof ds.version !== 'string' || ds.version.length === 0) throw bad(file, 'dataset.version', 'is missing')
  if (ds.name !== config.data.dataset) throw bad(file, 'dataset.name', `is "${ds.name}" but config.dataset is "${config.data.dataset}"`)
  return {
    id: o.id,
    config: config.data,
    dataset: { name: ds.name, version: ds.version },
    backend: typeof o.backend === 'string' ? o.backend : 'unknown',
    codeVersion: typeof o.codeVersion === 'string' ? o.codeVersion : 'unknown',
    createdAt: typeof o.createdAt === 'string' ? o.createdAt : new Date(0).toISOString(),
  }
}

/** The summary a finished run wrote, or null (a run from before summaries were written, or one that never finished). */
export function readRunSummary(dir: string): TrainSummary | null {
  const file = join(dir, RUN_SUMMARY)
  if (!existsSync(file)) return null
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown
    const checked = TrainSummary.safeParse(parsed)
    return checked.success ? checked.data : null
  } catch {
    return null
  }
}
