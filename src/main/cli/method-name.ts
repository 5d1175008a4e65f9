import { resolve } from 'node:path'

/**
 * Methods that name files (`predictions:<file>`, `nn-<model.onnx>`) get absolute paths, as the
 * services require; `nn-hf:<org>/<name>:<file>.onnx` names a file in a hub repo, not on disk.
 */
export function absoluteMethod(method: string): string {
  if (method.startsWith('predictions:')) return `predictions:${resolve(method.slice('predictions:'.length))}`
  if (method.startsWith('nn-') && !method.startsWith('nn-hf:') && method.toLowerCase().endsWith('.onnx')) return `nn-${resolve(method.slice(3))}`
  return method
}
