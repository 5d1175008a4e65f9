import type { AssetChannel, AssetPrimitive, GltfAsset } from './gltf-asset'
import { mat4FromTrs, mat4Multiply, normalizeQuat, slerp } from './mat4'
import type { Mat4 } from './mat4'

/** A frame of the asset: an animation (or -1 for the nodes' rest transforms) at a time in seconds. */
export interface AssetPose {
  animation: number
  time: number
}

interface NodeState {
  translation: number[]
  rotation: number[]
  scale: number[]
  /** Morph weights set by a `weights` channel; null keeps the primitive's defaults. */
  weights: number[] | null
}

/** Each node's local transform at `pose`: its rest TRS overridden by the animation's channels. */
function nodeStates(asset: GltfAsset, pose: AssetPose): NodeState[] {
  const states: NodeState[] = asset.nodes.map((n) => ({ translation: [...n.translation], rotation: [...n.rotation], scale: [...n.scale], weights: null }))
  if (pose.animation < 0) return states
  const animation = asset.animations[pose.animation]
  if (animation === undefined) throw new RangeError(`${asset.source} has no animation ${pose.animation}`)
  for (const channel of animation.channels) {
    const value = sampleChannel(channel, pose.time)
    const state = states[channel.node]!
    if (channel.path === 'weights') state.weights = value
    else state[channel.path] = channel.path === 'rotation' ? [...normalizeQuat(value)] : value
  }
  return states
}

/** glTF sampler semantics: times clamp to the first and last key. */
export function sampleChannel(channel: AssetChannel, time: number): number[] {
  const { times, values, width, interpolation } = channel
  const last = times.length - 1
  const cubic = interpolation === 'CUBICSPLINE'
  // A cubic key stores (in-tangent, value, out-tangent); the value sits one width in.
  const valueAt = (k: number): number[] => {
    const start = cubic ? (3 * k + 1) * width : k * width
    return Array.from(values.subarray(start, start + width))
  }
  if (last <= 0 || !(time > times[0]!)) return valueAt(0)
  if (time >= times[last]!) return valueAt(last)
  let k = 0
  while (k < last - 1 && times[k + 1]! <= time) k++
  const t0 = times[k]!
  const dt = times[k + 1]! - t0
  const s = dt > 0 ? (time - t0) / dt : 0
  if (interpolation === 'STEP') return valueAt(k)
  const a = valueAt(k)
  const b = valueAt(k + 1)
  if (interpolation === 'LINEAR') {
    if (channel.path === 'rotation') return [...slerp(a, b, s)]
    return a.map((x, i) => x + (b[i]! - x) * s)
  }
  // Cubic Hermite with tangents scaled by the key interval (glTF 2.0, Appendix C).
  const outTangent = values.subarray((3 * k + 2) * width, (3 * k + 3) * width)
  const inTangent = values.subarray((3 * (k + 1)) * width, (3 * (k + 1) + 1) * width)
  const s2 = s * s
  const s3 = s2 * s
  const h00 = 2 * s3 - 3 * s2 + 1
  const h10 = s3 - 2 * s2 + s
  const h01 = -2 * s3 + 3 * s2
  const h11 = s3 - s2
  return a.map((x, i) => h00 * x + h10 * dt * outTangent[i]! + h01 * b[i]! + h11 * dt * inTangent[i]!)
}

/** World matrix of every node at `pose`. */
export function worldMatrices(asset: GltfAsset, pose: AssetPose): Mat4[] {
  return worldOf(asset, nodeStates(asset, pose))
}

function worldOf(asset: GltfAsset, states: readonly NodeState[]): Mat4[] {
  const world: (Mat4 | undefined)[] = new Array(asset.nodes.length)
  const resolve = (i: number, depth: number): Mat4 => {
    const known = world[i]
    if (known) return known
    if (depth > asset.nodes.length) throw new Error(`${asset.source}: the node hierarchy has a cycle at node ${i}`)
    const s = states[i]!
    const local = mat4FromTrs(s.translation, s.rotation, s.scale)
    const parent = asset.nodes[i]!.parent
    const m = parent < 0 ? local : mat4Multiply(resolve(parent, depth + 1), local)
    world[i] = m
    return m
  }
  return asset.nodes.map((_, i) => resolve(i, 0))
}

/**
 * Positions of every drawn primitive at `pose`, in the asset's world frame: morph targets
 * added to the bind positions, then linear blend skinning with joint matrices
 * world(joint) x inverseBind (the skinned node's own transform is ignored, as glTF requires),
 * or the node's world matrix for a rigid mesh. Weights are renormalised to sum 1.
 */
export function posePositions(asset: GltfAsset, pose: AssetPose): Float32Array[] {
  const states = nodeStates(asset, pose)
  const world = worldOf(asset, states)
  const jointMatrices = asset.skins.map((skin) => skin.joints.map((node, j) => mat4Multiply(world[node]!, skin.inverseBind.subarray(16 * j, 16 * j + 16))))
  return asset.primitives.map((primitive) => {
    // An animated `weights` channel overrides the primitive's default morph weights.
    const rest = morphed(primitive, states[primitive.node]!.weights ?? primitive.targetWeights)
    const n = rest.length / 3
    const out = new Float32Array(rest.length)
    const rigid = world[primitive.node]!
    const joints = primitive.skin < 0 ? null : jointMatrices[primitive.skin]!
    const blend = new Float64Array(16)
    for (let v = 0; v < n; v++) {
      let m: ArrayLike<number> = rigid
      if (joints !== null) {
        blend.fill(0)
        let total = 0
        for (let k = 0; k < primitive.influences; k++) {
          const w = primitive.weights![v * primitive.influences + k]!
          if (w === 0) continue
          const slot = primitive.joints![v * primitive.influences + k]!
          const jm = joints[slot]
          if (jm === undefined) throw new RangeError(`${asset.source}: mesh "${primitive.mesh}" vertex ${v} names joint ${slot} of a ${joints.length}-joint skin`)
          for (let c = 0; c < 15; c++) blend[c] = blend[c]! + w * jm[c]!
          total += w
        }
        if (total > 0) {
          for (let c = 0; c < 15; c++) blend[c] = blend[c]! / total
          m = blend
        }
      }
      const x = rest[3 * v]!
      const y = rest[3 * v + 1]!
      const z = rest[3 * v + 2]!
      out[3 * v] = m[0]! * x + m[4]! * y + m[8]! * z + m[12]!
      out[3 * v + 1] = m[1]! * x + m[5]! * y + m[9]! * z + m[13]!
      out[3 * v + 2] = m[2]! * x + m[6]! * y + m[10]! * z + m[14]!
    }
    return out
  })
}

function morphed(primitive: AssetPrimitive, weights: readonly number[]): Float32Array {
  if (primitive.targets.length === 0) return primitive.positions
  const out = Float32Array.from(primitive.positions)
  primitive.targets.forEach((delta, t) => {
    const w = weights[t] ?? 0
    if (w === 0) return
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + w * delta[i]!
  })
  return out
}
