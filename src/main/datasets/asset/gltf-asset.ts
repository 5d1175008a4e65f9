import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { Logger, NodeIO } from '@gltf-transform/core'
import type { Accessor, Document, Node, Primitive, Texture, TextureInfo } from '@gltf-transform/core'
import { decodeImage } from '../../images/decode-image'

/** One triangle primitive of a mesh the scene draws, in the asset's own (bind-pose) frame. */
export interface AssetPrimitive {
  /** The glTF mesh's name, or `mesh<index>` when it has none. */
  mesh: string
  /** Index of the primitive within its mesh: (mesh, primitive) is what a keypoint file names. */
  primitive: number
  /** Index into `GltfAsset.nodes` of the node that draws it. */
  node: number
  /** Index into `GltfAsset.skins`, or -1 for a rigid mesh that follows its node. */
  skin: number
  positions: Float32Array
  /** Two per vertex (u, v), v down as glTF has it; null without TEXCOORD_n for its texture. */
  texCoords: Float32Array | null
  /** Counter-clockwise triangles, three vertex indices each. */
  faces: Uint32Array
  /** Influences per vertex: 4 per JOINTS_n/WEIGHTS_n set. */
  influences: number
  /** Joint slots into the skin's joint list, `influences` per vertex. */
  joints: Uint16Array | null
  weights: Float32Array | null
  /** POSITION displacements of each morph target. */
  targets: readonly Float32Array[]
  /** Default morph weights (the node's, else the mesh's). */
  targetWeights: readonly number[]
  material: AssetMaterial
}

export interface AssetTexture {
  width: number
  height: number
  /** RGB bytes, row-major, row 0 at v = 0. */
  rgb: Uint8Array
  wrapS: WrapMode
  wrapT: WrapMode
}

export type WrapMode = 'repeat' | 'mirror' | 'clamp'

export interface AssetMaterial {
  /** Linear factor glTF multiplies into the texture; colour only, alpha is not drawn. */
  baseColor: readonly [number, number, number]
  texture: AssetTexture | null
}

export interface AssetNode {
  name: string
  parent: number
  translation: readonly [number, number, number]
  rotation: readonly [number, number, number, number]
  scale: readonly [number, number, number]
}

export interface AssetSkin {
  /** Node indices, in the skin's joint order. */
  joints: readonly number[]
  /** 16 column-major numbers per joint; identity where the skin has none. */
  inverseBind: Float64Array
}

export type ChannelPath = 'translation' | 'rotation' | 'scale' | 'weights'
export type Interpolation = 'STEP' | 'LINEAR' | 'CUBICSPLINE'

export interface AssetChannel {
  node: number
  path: ChannelPath
  interpolation: Interpolation
  times: Float32Array
  /** Per key: `width` numbers, or three times that (in-tangent, value, out-tangent) for CUBICSPLINE. */
  values: Float32Array
  width: number
}

export interface AssetAnimation {
  name: string
  /** Seconds: the last key time over all channels. */
  duration: number
  channels: readonly AssetChannel[]
}

/** A glTF asset reduced to what rendering it in any pose needs; plain arrays, no glTF objects. */
export interface GltfAsset {
  source: string
  nodes: readonly AssetNode[]
  skins: readonly AssetSkin[]
  primitives: readonly AssetPrimitive[]
  animations: readonly AssetAnimation[]
}

/** Required extensions that change only lighting terms this renderer does not draw: safe to ignore. */
const HARMLESS_EXTENSIONS = new Set(['KHR_materials_emissive_strength', 'KHR_materials_specular', 'KHR_materials_ior'])

const TRIANGLES = 4
const TRIANGLE_STRIP = 5
const TRIANGLE_FAN = 6
const WRAP_MODES: Record<number, WrapMode> = { 10497: 'repeat', 33648: 'mirror', 33071: 'clamp' }

export async function readGltfAsset(path: string): Promise<GltfAsset> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${path}: cannot read the asset (${error.code ?? error.message})`)
  })
  return parseGltfAsset(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path)
}

/**
 * Parses a binary glTF (.glb). Errors name `source` and what is missing; an extension the asset
 * requires and this reader does not implement is refused rather than drawn wrongly.
 */
export async function parseGltfAsset(glb: Uint8Array, source: string): Promise<GltfAsset> {
  const io = new NodeIO().setLogger(new Logger(Logger.Verbosity.SILENT))
  let document: Document
  try {
    const json = await io.binaryToJSON(glb)
    const required = (json.json.extensionsRequired ?? []).filter((e) => !HARMLESS_EXTENSIONS.has(e))
    if (required.length > 0) throw new Error(`requires glTF extensions this renderer does not implement: ${required.join(', ')}`)
    document = await io.readJSON(json)
  } catch (error) {
    throw new Error(`${source}: not a readable binary glTF: ${(error as Error).message}`)
  }
  const root = document.getRoot()
  const nodeList = root.listNodes()
  const nodeIndex = new Map<Node, number>(nodeList.map((n, i) => [n, i]))
  const nodes: AssetNode[] = nodeList.map((n) => ({
    name: n.getName(),
    parent: -1,
    translation: n.getTranslation(),
    rotation: n.getRotation(),
    scale: n.getScale(),
  }))
  nodeList.forEach((n, i) => {
    for (const child of n.listChildren()) nodes[nodeIndex.get(child)!]!.parent = i
  })

  const skinList = root.listSkins()
  const skins: AssetSkin[] = skinList.map((skin, s) => {
    const joints = skin.listJoints().map((j) => nodeIndex.get(j)!)
    const inverseBind = new Float64Array(16 * joints.length)
    const ibm = skin.getInverseBindMatrices()
    for (let j = 0; j < joints.length; j++) {
      if (ibm === null) inverseBind.set([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 16 * j)
      else if (j >= ibm.getCount()) throw new Error(`${source}: skins[${s}].inverseBindMatrices has ${ibm.getCount()} matrices for ${joints.length} joints`)
      else inverseBind.set(ibm.getElement(j, []), 16 * j)
    }
    return { joints, inverseBind }
  })

  const textures = new Map<Texture, AssetTexture>()
  const primitives: AssetPrimitive[] = []
  const scene = root.getDefaultScene() ?? root.listScenes()[0]
  const drawn: Node[] = []
  scene?.traverse((n) => {
    if (n.getMesh() !== null) drawn.push(n)
  })
  for (const node of drawn) {
    const mesh = node.getMesh()!
    const meshName = mesh.getName() || `mesh${root.listMeshes().indexOf(mesh)}`
    const skin = node.getSkin()
    mesh.listPrimitives().forEach((primitive, p) => {
      const where = `${source}: mesh "${meshName}" primitive ${p}`
      const mode = primitive.getMode()
      if (mode !== TRIANGLES && mode !== TRIANGLE_STRIP && mode !== TRIANGLE_FAN) return
      const position = primitive.getAttribute('POSITION')
      if (position === null) throw new Error(`${where}: has no POSITION`)
      const count = position.getCount()
      const material = primitive.getMaterial()
      const info = material?.getBaseColorTextureInfo() ?? null
      const texture = material?.getBaseColorTexture() ?? null
      const uv = texture === null ? null : primitive.getAttribute(`TEXCOORD_${info?.getTexCoord() ?? 0}`)
      const { joints, weights, influences } = skin === null ? { joints: null, weights: null, influences: 0 } : readInfluences(primitive, count, where)
      const factor = material?.getBaseColorFactor() ?? [1, 1, 1, 1]
      primitives.push({
        mesh: meshName,
        primitive: p,
        node: nodeIndex.get(node)!,
        skin: skin === null ? -1 : skinList.indexOf(skin),
        positions: readFloats(position, 3),
        texCoords: uv === null ? null : readFloats(uv, 2),
        faces: triangles(primitive, count, mode, where),
        influences,
        joints,
        weights,
        targets: primitive.listTargets().map((t, k) => {
          const delta = t.getAttribute('POSITION')
          if (delta !== null && delta.getCount() !== count) throw new Error(`${where}: morph target ${k} has ${delta.getCount()} positions for ${count} vertices`)
          return delta === null ? new Float32Array(3 * count) : readFloats(delta, 3)
        }),
        targetWeights: node.getWeights().length > 0 ? node.getWeights() : mesh.getWeights(),
        material: {
          baseColor: [factor[0], factor[1], factor[2]],
          texture: texture === null || uv === null ? null : decodeTexture(texture, info, textures, `${where} base colour texture`),
        },
      })
    })
  }
  if (primitives.length === 0) throw new Error(`${source}: the scene draws no triangle mesh`)

  const animations: AssetAnimation[] = root.listAnimations().map((animation, a) => {
    const channels: AssetChannel[] = []
    for (const channel of animation.listChannels()) {
      const target = channel.getTargetNode()
      const path = channel.getTargetPath()
      const sampler = channel.getSampler()
      if (target === null || path === null || sampler === null) continue
      const input = sampler.getInput()
      const output = sampler.getOutput()
      if (input === null || output === null) throw new Error(`${source}: animations[${a}] has a sampler without input or output`)
      const interpolation = sampler.getInterpolation()
      const times = readFloats(input, 1)
      const values = readFloats(output, output.getElementSize())
      const perKey = values.length / times.length
      const width = interpolation === 'CUBICSPLINE' ? perKey / 3 : perKey
      if (!Number.isInteger(width) || width < 1) throw new Error(`${source}: animations[${a}] ${path} channel has ${values.length} values for ${times.length} keys`)
      channels.push({ node: nodeIndex.get(target)!, path: path as ChannelPath, interpolation, times, values, width })
    }
    const duration = Math.max(0, ...channels.map((c) => c.times[c.times.length - 1] ?? 0))
    return { name: animation.getName() || `animation${a}`, duration, channels }
  })
  return { source: basename(source), nodes, skins, primitives, animations }
}

/** Element values as floats, normalised integers decoded (gltf-transform's getElement does that). */
function readFloats(accessor: Accessor, size: number): Float32Array {
  const n = accessor.getCount()
  const out = new Float32Array(n * size)
  const element: number[] = []
  for (let i = 0; i < n; i++) {
    accessor.getElement(i, element)
    for (let k = 0; k < size; k++) out[i * size + k] = element[k] ?? 0
  }
  return out
}

function readInfluences(primitive: Primitive, count: number, where: string): { joints: Uint16Array; weights: Float32Array; influences: number } {
  const sets: [Accessor, Accessor][] = []
  for (let s = 0; ; s++) {
    const j = primitive.getAttribute(`JOINTS_${s}`)
    const w = primitive.getAttribute(`WEIGHTS_${s}`)
    if (j === null || w === null) break
    sets.push([j, w])
  }
  if (sets.length === 0) throw new Error(`${where}: is skinned but has no JOINTS_0/WEIGHTS_0`)
  const influences = 4 * sets.length
  const joints = new Uint16Array(count * influences)
  const weights = new Float32Array(count * influences)
  sets.forEach(([j, w], s) => {
    const js = readFloats(j, 4)
    const ws = readFloats(w, 4)
    for (let v = 0; v < count; v++) {
      for (let k = 0; k < 4; k++) {
        joints[v * influences + 4 * s + k] = js[4 * v + k]!
        weights[v * influences + 4 * s + k] = ws[4 * v + k]!
      }
    }
  })
  return { joints, weights, influences }
}

function triangles(primitive: Primitive, count: number, mode: number, where: string): Uint32Array {
  const accessor = primitive.getIndices()
  const indices = accessor === null ? Uint32Array.from({ length: count }, (_, i) => i) : Uint32Array.from(accessor.getArray() ?? [])
  for (const i of indices) if (i >= count) throw new Error(`${where}: index ${i} is beyond its ${count} vertices`)
  if (mode === TRIANGLES) return indices.slice(0, indices.length - (indices.length % 3))
  const out: number[] = []
  for (let k = 2; k < indices.length; k++) {
    if (mode === TRIANGLE_FAN) out.push(indices[0]!, indices[k - 1]!, indices[k]!)
    // A strip alternates its winding; swapping every other triangle keeps them all counter-clockwise.
    else if (k % 2 === 0) out.push(indices[k - 2]!, indices[k - 1]!, indices[k]!)
    else out.push(indices[k - 1]!, indices[k - 2]!, indices[k]!)
  }
  return Uint32Array.from(out)
}

function decodeTexture(
  texture: Texture,
  info: TextureInfo | null,
  cache: Map<Texture, AssetTexture>,
  where: string,
): AssetTexture {
  const known = cache.get(texture)
  if (known) return known
  const image = texture.getImage()
  if (image === null) throw new Error(`${where}: has no embedded image (an external file is not read)`)
  const decoded = decodeImage(image, where)
  const out: AssetTexture = {
    width: decoded.width,
    height: decoded.height,
    rgb: decoded.data,
    wrapS: WRAP_MODES[info?.getWrapS() ?? 10497] ?? 'repeat',
    wrapT: WRAP_MODES[info?.getWrapT() ?? 10497] ?? 'repeat',
  }
  cache.set(texture, out)
  return out
}
