import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { removeQuietly, writeFileSynced } from '../core/atomic-write'
import { storageError } from '../core/storage-error'

/** Named float arrays (model parameters, optimiser moments) and the JSON that goes with them. */
export interface CheckpointData {
  step: number
  state: Record<string, unknown>
  tensors: Record<string, Float32Array>
}

/** A checkpoint as read back: its content hash identifies the model for caches. */
export interface StoredCheckpoint extends CheckpointData {
  /** The checkpoint folder, for messages. */
  dir: string
  weightsSha256: string
}

interface TensorIndex {
  offset: number
  length: number
}

interface CheckpointManifest {
  format: 'semagic-checkpoint'
  version: 1
  step: number
  state: Record<string, unknown>
  tensors: Record<string, TensorIndex>
  weightsSha256: string
}

const DIR_PREFIX = 'ckpt-'

/**
 * Writes `<runDir>/ckpt-<step>/` atomically: everything goes to a temporary folder, is synced,
 * and the folder is renamed into place, so a crash leaves either the whole checkpoint or none.
 * The weights carry a SHA-256 in the manifest, so a damaged file is recognised on load.
 */
export function writeCheckpoint(runDir: string, data: CheckpointData): string {
  const names = Object.keys(data.tensors).sort()
  const tensors: Record<string, TensorIndex> = {}
  let offset = 0
  const chunks: Uint8Array[] = []
  for (const name of names) {
    const t = data.tensors[name]!
    tensors[name] = { offset, length: t.length }
    chunks.push(new Uint8Array(t.buffer, t.byteOffset, t.byteLength))
    offset += t.byteLength
  }
  const hash = createHash('sha256')
  for (const c of chunks) hash.update(c)
  const manifest: CheckpointManifest = {
    format: 'semagic-checkpoint',
    version: 1,
    step: data.step,
    state: data.state,
    tensors,
    weightsSha256: hash.digest('hex'),
  }
  const final = join(runDir, `${DIR_PREFIX}${String(data.step).padStart(8, '0')}`)
  const tmp = `${final}.tmp-${process.pid}`
  try {
    rmSync(tmp, { recursive: true, force: true })
    mkdirSync(tmp, { recursive: true })
    writeFileSynced(join(tmp, 'weights.bin'), chunks)
    writeFileSynced(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
    rmSync(final, { recursive: true, force: true })
    renameSync(tmp, final)
  } catch (error) {
    // Disk full or read-only: no partial folder is left, and the earlier checkpoints stay as they were.
    removeQuietly(tmp)
    throw storageError(error, final)
  }
  return final
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const show = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** The manifest's own fields, checked before anything is read by them: the first problem, naming the field. */
function manifestProblem(m: unknown): string | null {
  if (!isRecord(m)) return `is ${show(m)}, not a JSON object`
  if (m.format !== 'semagic-checkpoint' || m.version !== 1) return 'not a version 1 SEMAGIC checkpoint (format, version)'
  if (!Number.isSafeInteger(m.step) || (m.step as number) < 0) return `step is ${show(m.step)}, not a non-negative integer`
  if (!isRecord(m.state)) return `state is ${show(m.state)}, not an object`
  if (typeof m.weightsSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.weightsSha256)) return `weightsSha256 is ${show(m.weightsSha256)}, not a SHA-256 in hex`
  if (!isRecord(m.tensors)) return `tensors is ${show(m.tensors)}, not an object`
  for (const [name, t] of Object.entries(m.tensors)) {
    if (!isRecord(t)) return `tensors.${name} is ${show(t)}, not {offset, length}`
    for (const k of ['offset', 'length'] as const) {
      if (!Number.isSafeInteger(t[k]) || (t[k] as number) < 0) return `tensors.${name}.${k} is ${show(t[k])}, not a non-negative integer`
    }
  }
  return null
}

/** Reads one checkpoint folder; throws with the file, the field and the problem when it is not whole. */
export function readCheckpoint(dir: string): StoredCheckpoint {
  const manifestFile = join(dir, 'manifest.json')
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(manifestFile, 'utf8'))
  } catch (error) {
    throw new Error(`${manifestFile}: ${(error as Error).message}`)
  }
  const problem = manifestProblem(parsed)
  if (problem) throw new Error(`${manifestFile}: ${problem}`)
  const manifest = parsed as unknown as CheckpointManifest
  const weightsFile = join(dir, 'weights.bin')
  let bytes: Buffer
  try {
    bytes = readFileSync(weightsFile)
  } catch (error) {
    throw new Error(`${weightsFile}: ${(error as Error).message}`)
  }
  if (createHash('sha256').update(bytes).digest('hex') !== manifest.weightsSha256) {
    throw new Error(`${weightsFile}: content does not match the manifest's SHA-256 (damaged or partial)`)
  }
  const tensors: Record<string, Float32Array> = {}
  for (const [name, { offset, length }] of Object.entries(manifest.tensors)) {
    if (offset + 4 * length > bytes.length) {
      throw new Error(`${manifestFile}: tensors.${name} lies outside weights.bin`)
    }
    // A copy, aligned: the Buffer's own offset need not be a multiple of 4.
    tensors[name] = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * length))
  }
  return { dir, step: manifest.step, state: manifest.state, tensors, weightsSha256: manifest.weightsSha256 }
}

/**
 * The newest whole checkpoint of a run, or null. Temporary folders of an interrupted write
 * are removed; damaged checkpoints are skipped (and reported) in favour of the one before.
 */
export function latestCheckpoint(runDir: string, onSkip: (dir: string, reason: string) => void = () => {}, options: { clean: boolean } = { clean: true }): StoredCheckpoint | null {
  if (!existsSync(runDir)) return null
  const entries = readdirSync(runDir).filter((n) => n.startsWith(DIR_PREFIX))
  // Only the run's own process may clean: in a folder being imported, a temporary one may still be written.
  if (options.clean) for (const n of entries.filter((n) => n.includes('.tmp-'))) rmSync(join(runDir, n), { recursive: true, force: true })
  for (const name of entries.filter((n) => !n.includes('.tmp-')).sort().reverse()) {
    try {
      return readCheckpoint(join(runDir, name))
    } catch (error) {
      onSkip(join(runDir, name), (error as Error).message)
    }
  }
  return null
}
