import { createRequire } from 'node:module'
import { dirname, sep } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'

/** Names as probe.ts reports them; both native packages register the tfjs backend 'tensorflow'. */
export type TfjsBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'

export const TFJS_BACKEND_ORDER: readonly TfjsBackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']

const req = createRequire(__filename)

let pending: Promise<TfjsBackendName> | null = null

/** Why each backend tried so far could not be used, for the user-facing backend report. */
export const tfjsBackendFailures = new Map<TfjsBackendName, string>()

function registerNative(pkg: string): void {
  // Optional dependencies whose install downloads libtensorflow: usually absent. Requiring one
  // registers its 'tensorflow' backend with the tfjs-core it resolves, which must be ours.
  req(pkg)
  if (!tf.findBackendFactory('tensorflow')) {
    throw new Error(`${pkg} loaded but registered no 'tensorflow' backend with this copy of tfjs-core`)
  }
}

function registerWasm(): void {
  // Emscripten in Node reads the .wasm with fs from this prefix: a file path keeps it offline
  // and survives bundling, which moves the JS away from the package's dist folder.
  setWasmPaths(dirname(req.resolve('@tensorflow/tfjs-backend-wasm')) + sep)
}

async function activate(name: TfjsBackendName): Promise<void> {
  const tfName = name === 'tensorflow-gpu' || name === 'tensorflow' ? 'tensorflow' : name
  if (name === 'tensorflow-gpu') registerNative('@tensorflow/tfjs-node-gpu')
  else if (name === 'tensorflow') registerNative('@tensorflow/tfjs-node')
  else if (name === 'wasm') registerWasm()
  if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend('${tfName}') returned false`)
  await tf.ready()
}

async function pick(preferred: TfjsBackendName | undefined): Promise<TfjsBackendName> {
  const candidates = preferred ? [preferred] : TFJS_BACKEND_ORDER
  for (const name of candidates) {
    try {
      await activate(name)
      return name
    } catch (error) {
      tfjsBackendFailures.set(name, (error as Error).message.split('\n')[0] ?? String(error))
    }
  }
  const reasons = candidates.map((n) => `${n}: ${tfjsBackendFailures.get(n) ?? '?'}`).join('; ')
  throw new Error(`no usable tfjs backend (${reasons})`)
}

/**
 * Picks and activates a tfjs backend: the best present in TFJS_BACKEND_ORDER, or exactly
 * `preferred` (an error if that one cannot start, rather than silently running elsewhere).
 * Idempotent: later calls return the active backend without reloading anything, unless they
 * name a different one.
 */
export async function initTfjs(preferred?: TfjsBackendName): Promise<TfjsBackendName> {
  if (pending) {
    const current = await pending.catch(() => null)
    if (current && (preferred === undefined || preferred === current)) return current
  }
  pending = pick(preferred)
  return pending
}
