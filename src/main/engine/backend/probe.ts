import { createRequire } from 'node:module'

export interface BackendProbe {
  name: string
  available: boolean
  detail: string
}

const req = createRequire(__filename)

function installed(pkg: string): string | null {
  try {
    return req.resolve(`${pkg}/package.json`)
  } catch {
    return null
  }
}

/**
 * tfjs backends in the order the engine prefers them. The native ones are optional
 * dependencies whose install downloads libtensorflow, so they are often absent; this probe
 * only looks, it loads nothing heavy.
 */
export function probeTfjsBackends(): BackendProbe[] {
  const probe = (name: string, pkg: string, what: string): BackendProbe => {
    const at = installed(pkg)
    return { name, available: at !== null, detail: at ? `${what} (${pkg})` : `${pkg} not installed` }
  }
  return [
    probe('tensorflow-gpu', '@tensorflow/tfjs-node-gpu', 'libtensorflow with CUDA'),
    probe('tensorflow', '@tensorflow/tfjs-node', 'libtensorflow on CPU'),
    probe('wasm', '@tensorflow/tfjs-backend-wasm', 'WebAssembly, one thread in Node'),
    { name: 'cpu', available: installed('@tensorflow/tfjs-core') !== null, detail: 'plain JavaScript kernels' },
  ]
}

interface OrtBackendInfo {
  name: string
  bundled: boolean
}

export function probeOnnxProviders(): BackendProbe[] {
  try {
    const ort = req('onnxruntime-node') as { listSupportedBackends(): OrtBackendInfo[]; env: { versions: { node?: string } } }
    const version = ort.env.versions.node ?? '?'
    return ort.listSupportedBackends().map((b) => ({
      name: b.name,
      available: b.bundled,
      detail: b.bundled
        ? `onnxruntime-node ${version}, bundled`
        : `onnxruntime-node ${version}: provider libraries not installed (run its install script without ONNXRUNTIME_NODE_INSTALL=skip)`,
    }))
  } catch (error) {
    return [{ name: 'onnxruntime-node', available: false, detail: `failed to load: ${(error as Error).message}` }]
  }
}
