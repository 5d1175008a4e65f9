import type { AssetKeypointFile } from '../../../shared/assets/keypoint-file'
import { vertexNormals } from '../../engine/template/normals'
import type { CategoryDefinition } from '../synthetic/categories/category'
import { plain } from '../synthetic/materials'
import type { SurfaceMaterial } from '../synthetic/materials'
import type { Keypoint3D, ObjectModel } from '../synthetic/model-builder'
import type { Rng } from '../synthetic/random'
import type { GltfAsset } from './gltf-asset'
import { keypointPrimitive } from './keypoint-file'
import { posePositions } from './pose'
import type { AssetPose } from './pose'

/**
 * Depth slack of a vertex keypoint, as a share of the asset's bounding radius: the z-buffer
 * at a pixel next to the vertex is its own surface a little off the vertex, never the far
 * side of a limb (a fox's leg is about 6 % of its radius thick).
 */
export const VERTEX_DEPTH_TOLERANCE = 0.03
/** Pixels around a vertex's projection searched for its surface (see Keypoint3D.reach). */
export const VERTEX_REACH = 1

/**
 * A generator category drawn from a glTF asset: every instance is the asset at a random
 * time of a random animation (its rest pose when it has none), skinned and morphed; parts
 * are its primitives, painted with their base colour textures; keypoints are the file's
 * vertices of its named primitive. Model frame = glTF's: +y up, the asset facing +z, so +x is
 * its left, as the procedural categories have it.
 */
export function assetCategory(asset: GltfAsset, keypoints: AssetKeypointFile, name: string, source: string): CategoryDefinition {
  if (asset.primitives.length > 255) throw new Error(`${asset.source}: draws ${asset.primitives.length} primitives; at most 255 fit the renderer's part ids`)
  const target = keypointPrimitive(asset, keypoints, source)
  const part = asset.primitives.indexOf(target)
  const radius = restRadius(asset)
  const materials: SurfaceMaterial[] = asset.primitives.map(({ material }) =>
    material.texture === null ? plain(material.baseColor) : { texture: material.texture, factor: material.baseColor, gloss: 0 },
  )
  const faceCount = asset.primitives.reduce((n, p) => n + p.faces.length / 3, 0)
  const vertexCount = asset.primitives.reduce((n, p) => n + p.positions.length / 3, 0)
  const faces = new Uint32Array(3 * faceCount)
  const faceParts = new Uint8Array(faceCount)
  const texCoords = new Float32Array(3 * vertexCount)
  const firstVertex: number[] = []
  let v0 = 0
  let f0 = 0
  asset.primitives.forEach((p, k) => {
    firstVertex.push(v0)
    for (let i = 0; i < p.faces.length; i++) faces[3 * f0 + i] = p.faces[i]! + v0
    faceParts.fill(k, f0, f0 + p.faces.length / 3)
    const n = p.positions.length / 3
    if (p.texCoords !== null) for (let v = 0; v < n; v++) texCoords.set([p.texCoords[2 * v]!, p.texCoords[2 * v + 1]!, 0], 3 * (v0 + v))
    v0 += n
    f0 += p.faces.length / 3
  })
  const build = (rng: Rng): ObjectModel => {
    const animation = asset.animations.length === 0 ? -1 : rng.int(0, asset.animations.length - 1)
    const pose: AssetPose = { animation, time: animation < 0 ? 0 : rng.uniform(0, asset.animations[animation]!.duration) }
    const posed = posePositions(asset, pose)
    const positions = new Float32Array(3 * vertexCount)
    posed.forEach((p, k) => positions.set(p, 3 * firstVertex[k]!))
    const vertices = posed[part]!
    const points: Keypoint3D[] = keypoints.keypoints.map(({ vertex }) => ({
      position: [vertices[3 * vertex]!, vertices[3 * vertex + 1]!, vertices[3 * vertex + 2]!],
      parts: [part],
      tolerance: VERTEX_DEPTH_TOLERANCE * radius,
      reach: VERTEX_REACH,
    }))
    return {
      mesh: { positions, normals: Float32Array.from(vertexNormals(positions, faces)), texCoords, faces, faceParts },
      partNames: asset.primitives.map((p) => `${p.mesh}/${p.primitive}`),
      materials,
      keypoints: points,
    }
  }
  return { name, keypointNames: keypoints.keypoints.map((k) => k.name), build }
}

function restRadius(asset: GltfAsset): number {
  const all = posePositions(asset, { animation: -1, time: 0 })
  const lo = [Infinity, Infinity, Infinity]
  const hi = [-Infinity, -Infinity, -Infinity]
  for (const p of all) {
    for (let i = 0; i < p.length; i++) {
      lo[i % 3] = Math.min(lo[i % 3]!, p[i]!)
      hi[i % 3] = Math.max(hi[i % 3]!, p[i]!)
    }
  }
  return Math.hypot(hi[0]! - lo[0]!, hi[1]! - lo[1]!, hi[2]! - lo[2]!) / 2
}
