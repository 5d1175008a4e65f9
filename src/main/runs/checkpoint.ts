import { createHash } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/** Named float arrays (model parameters, optimiser moments) and the JSON that goes with them. */
export interface CheckpointData {
  step: number
  state: Record<string, unknown>
  tensors: Record<string, Float32Array>
}

/** A checkpoint as read back: its content hash identifies the model for caches. */
export interface StoredCheckpoint extends CheckpointData {
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

function writeFileDurable(path: string, chunks: Uint8Array[]): void {
  const fd = openSync(path, 'w')
  try {
    for (const c of chunks) writeSync(fd, c)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

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
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  writeFileDurable(join(tmp, 'weights.bin'), chunks)
  writeFileDurable(join(tmp, 'manifest.json'), [Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)])
  rmSync(final, { recursive: true, force: true })
  renameSync(tmp, final)
  return final
}

/** Reads one checkpoint folder; throws with the folder and the problem when it is not whole. */
export function readCheckpoint(dir: string): StoredCheckpoint {
  let manifest: CheckpointManifest
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CheckpointManifest
  } catch (error) {
    throw new Error(`${dir}/manifest.json: ${(error as Error).message}`)
  }
  if (manifest.format !== 'semagic-checkpoint' || manifest.version !== 1) throw new Error(`${dir}/manifest.json: not a version 1 SEMAGIC checkpoint`)
  const bytes = readFileSync(join(dir, 'weights.bin'))
  if (createHash('sha256').update(bytes).digest('hex') !== manifest.weightsSha256) {
    throw new Error(`${dir}/weights.bin: content does not match the manifest's SHA-256 (damaged or partial)`)
  }
  const tensors: Record<string, Float32Array> = {}
  for (const [name, { offset, length }] of Object.entries(manifest.tensors)) {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + 4 * length > bytes.length) {
      throw new Error(`${dir}/manifest.json: tensors.${name} lies outside weights.bin`)
    }
    // A copy, aligned: the Buffer's own offset need not be a multiple of 4.
    tensors[name] = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * length))
  }
  return { step: manifest.step, state: manifest.state, tensors, weightsSha256: manifest.weightsSha256 }
}

/**
 * The newest whole checkpoint of a run, or null. Temporary folders of an interrupted write
 * are removed; damaged checkpoints are skipped (and reported) in favour of the one before.
 */
export function latestCheckpoint(runDir: string, onSkip: (dir: string, reason: string) => void = () => {}): StoredCheckpoint | null {
  if (!existsSync(runDir)) return null
  const entries = readdirSync(runDir).filter((n) => n.startsWith(DIR_PREFIX))
  for (const n of entries.filter((n) => n.includes('.tmp-'))) rmSync(join(runDir, n), { recursive: true, force: true })
  for (const name of entries.filter((n) => !n.includes('.tmp-')).sort().reverse()) {
    try {
      return readCheckpoint(join(runDir, name))
    } catch (error) {
      onSkip(join(runDir, name), (error as Error).message)
    }
  }
  return null
}
