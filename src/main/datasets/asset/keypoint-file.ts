import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { AssetKeypointFile, issuePath } from '../../../shared/assets/keypoint-file'
import type { GltfAsset, AssetPrimitive } from './gltf-asset'

export interface LoadedKeypointFile {
  path: string
  file: AssetKeypointFile
  /** The asset the file names, resolved against the file's folder. */
  assetPath: string
}

/** Reads and validates a keypoint file; every error names the file and the field (and line for bad JSON). */
export async function readKeypointFile(path: string): Promise<LoadedKeypointFile> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${path}: cannot read the keypoint file (${error.code ?? error.message})`)
  })
  const file = parseKeypointFile(text, path)
  return { path, file, assetPath: resolve(dirname(path), file.asset) }
}

export function parseKeypointFile(text: string, source: string): AssetKeypointFile {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    const position = /position (\d+)/.exec(message)
    const line = position ? ` (line ${text.slice(0, Number(position[1])).split('\n').length})` : ''
    throw new Error(`${source}${line}: not valid JSON: ${message}`)
  }
  const parsed = AssetKeypointFile.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new Error(`${source}: ${issuePath(issue.path)}: ${issue.message}`)
  }
  return parsed.data
}

/** The primitive the file's vertices index, checked to hold every one of them. */
export function keypointPrimitive(asset: GltfAsset, file: AssetKeypointFile, source: string): AssetPrimitive {
  const primitive = asset.primitives.find((p) => p.mesh === file.mesh && p.primitive === file.primitive)
  if (primitive === undefined) {
    const known = [...new Set(asset.primitives.map((p) => `"${p.mesh}" primitive ${p.primitive}`))].join(', ')
    throw new Error(`${source}: mesh: ${asset.source} draws no mesh "${file.mesh}" primitive ${file.primitive} (it draws ${known})`)
  }
  const count = primitive.positions.length / 3
  file.keypoints.forEach((k, i) => {
    if (k.vertex >= count) throw new Error(`${source}: keypoints[${i}].vertex: ${k.vertex} is beyond the ${count} vertices of mesh "${file.mesh}" primitive ${file.primitive}`)
  })
  return primitive
}
