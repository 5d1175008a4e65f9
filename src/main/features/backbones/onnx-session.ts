import { statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { InferenceSession } from 'onnxruntime-node'
import { providerUnavailable } from './onnx-providers'
import { sha256File } from '../../core/file-hash'

/** Protobuf caps a message at 2 GiB; bigger models keep weights in external data files. */
export const DEFAULT_MAX_ONNX_BYTES = 2 * 1024 ** 3

export interface OpenedSession {
  session: InferenceSession
  /** The providers the session was created with, best first. */
  providers: string[]
  notes: string[]
  /** SHA-256 of the file: the model's identity for the feature cache, whatever its path. */
  contentHash: string
}

function describeLoadError(path: string, error: unknown): Error {
  const message = (error as Error).message ?? String(error)
  if (/protobuf parsing failed|failed to parse|invalid protobuf/i.test(message)) {
    return new Error(`${path}: not an ONNX model (protobuf parse failure: ${message})`)
  }
  return new Error(`${path}: onnxruntime could not load the model: ${message}`)
}

/**
 * Checks the file, then starts an ONNX Runtime session with the first providers that work.
 * Only the graph is loaded: no custom-op libraries are registered, so nothing in the file can
 * run code of its own. Providers without their libraries are skipped, and a provider that
 * fails at session start is dropped in favour of the rest, each with its reason in `notes`.
 */
export async function openOnnxSession(
  path: string,
  requested: readonly string[],
  maxBytes: number = DEFAULT_MAX_ONNX_BYTES,
  threads: number = availableParallelism(),
): Promise<OpenedSession> {
  let size: number
  try {
    const st = statSync(path)
    if (!st.isFile()) throw new Error(`${path}: not a file`)
    size = st.size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${path}: ONNX model file not found`)
    throw error
  }
  if (size > maxBytes) {
    throw new Error(`${path}: ${size} bytes is over the ${maxBytes}-byte limit for ONNX models`)
  }
  const contentHash = sha256File(path)

  const notes: string[] = []
  let candidates = requested.filter((name) => {
    const why = providerUnavailable(name)
    if (why) notes.push(`onnx ${name} not used: ${why}`)
    return why === null
  })
  if (candidates.length === 0) {
    throw new Error(`${path}: none of the execution providers ${requested.join(', ')} can run here (${notes.join('; ')})`)
  }
  const options = (providers: string[]): InferenceSession.SessionOptions => ({
    executionProviders: providers,
    // All cores by default (ORT's own default also counts hyperthreads); fewer where several
    // sessions share the machine (a pool of feature workers).
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // Errors only: a load failure comes back as an exception naming the file; ORT's own warnings
    // (old opsets, shape merges) would otherwise go to the console of every caller.
    logSeverityLevel: 3,
    // Idle pool threads sleep instead of spinning: on cores shared with other work, spinning
    // threads steal the time the busy ones need (BENCHMARKS.md, Feature backbones, measures it).
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  })
  for (;;) {
    try {
      const session = await InferenceSession.create(path, options(candidates))
      return { session, providers: candidates, notes, contentHash }
    } catch (error) {
      const [first, ...rest] = candidates
      const protobuf = /protobuf parsing failed/i.test((error as Error).message ?? '')
      if (protobuf || first === 'cpu' || rest.length === 0) throw describeLoadError(path, error)
      notes.push(`onnx ${first} failed to start, fell back to ${rest.join(', ')}: ${(error as Error).message.split('\n')[0]}`)
      candidates = rest
    }
  }
}
