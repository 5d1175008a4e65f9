import { Document, NodeIO } from '@gltf-transform/core'
import { PNG } from 'pngjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseGltfAsset } from '../../../../src/main/datasets/asset/gltf-asset'
import type { GltfAsset } from '../../../../src/main/datasets/asset/gltf-asset'
import { posePositions, sampleChannel } from '../../../../src/main/datasets/asset/pose'
import { albedoAt } from '../../../../src/main/datasets/synthetic/materials'

const S = Math.SQRT1_2

/**
 * A two-bone arm along +y: joint 0 at the origin, joint 1 at (0, 1, 0) with inverse bind
 * T(0, -1, 0). Vertices: v0 (0,0,0) on joint 0, v1 (0,2,0) on joint 1, v2 (1,1,0) half each,
 * v3 (0,1,0) on joint 1. Animation "bend" turns joint 1 by 0 -> 90 degrees about z over one
 * second; "step" moves joint 0 to x = 3 at t = 1 by STEP. One morph target lifts v0 by z = 2
 * (default weight 0.25; "bend" animates it to 1 at t = 1). The mesh's node sits at x = 5,
 * which a skinned mesh must ignore.
 */
async function twoBoneAsset(): Promise<GltfAsset> {
  const doc = new Document()
  const buffer = doc.createBuffer()
  const f32 = (type: 'VEC2' | 'VEC3' | 'VEC4' | 'SCALAR' | 'MAT4', values: number[]) => doc.createAccessor().setType(type).setArray(new Float32Array(values)).setBuffer(buffer)
  const joint0 = doc.createNode('root-bone')
  const joint1 = doc.createNode('tip-bone').setTranslation([0, 1, 0])
  joint0.addChild(joint1)
  const texture = new PNG({ width: 2, height: 1 })
  texture.data.set([255, 0, 0, 255, 0, 0, 255, 255])
  const material = doc
    .createMaterial('two-texels')
    .setBaseColorFactor([1, 0.5, 1, 1])
    .setBaseColorTexture(doc.createTexture('t').setImage(new Uint8Array(PNG.sync.write(texture))).setMimeType('image/png'))
  const primitive = doc
    .createPrimitive()
    .setAttribute('POSITION', f32('VEC3', [0, 0, 0, 0, 2, 0, 1, 1, 0, 0, 1, 0]))
    .setAttribute('TEXCOORD_0', f32('VEC2', [0.25, 0.5, 0.75, 0.5, 0.25, 0.5, 0.25, 0.5]))
    .setAttribute('JOINTS_0', doc.createAccessor().setType('VEC4').setArray(new Uint16Array([0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0])).setBuffer(buffer))
    .setAttribute('WEIGHTS_0', f32('VEC4', [1, 0, 0, 0, 1, 0, 0, 0, 0.5, 0.5, 0, 0, 1, 0, 0, 0]))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(new Uint16Array([0, 2, 1, 0, 3, 2])).setBuffer(buffer))
    .setMaterial(material)
    .addTarget(doc.createPrimitiveTarget().setAttribute('POSITION', f32('VEC3', [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0])))
  const mesh = doc.createMesh('arm').addPrimitive(primitive).setWeights([0.25])
  const skin = doc
    .createSkin()
    .addJoint(joint0)
    .addJoint(joint1)
    .setInverseBindMatrices(f32('MAT4', [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, -1, 0, 1]))
  const meshNode = doc.createNode('arm-node').setMesh(mesh).setSkin(skin).setTranslation([5, 0, 0])
  doc.createScene('scene').addChild(joint0).addChild(meshNode)
  const times = f32('SCALAR', [0, 1])
  const bend = doc.createAnimation('bend')
  const rotation = doc.createAnimationSampler().setInput(times).setOutput(f32('VEC4', [0, 0, 0, 1, 0, 0, S, S])).setInterpolation('LINEAR')
  const weights = doc.createAnimationSampler().setInput(times).setOutput(f32('SCALAR', [0.25, 1])).setInterpolation('LINEAR')
  bend
    .addSampler(rotation)
    .addSampler(weights)
    .addChannel(doc.createAnimationChannel().setTargetNode(joint1).setTargetPath('rotation').setSampler(rotation))
    .addChannel(doc.createAnimationChannel().setTargetNode(meshNode).setTargetPath('weights').setSampler(weights))
  const step = doc.createAnimation('step')
  const move = doc.createAnimationSampler().setInput(times).setOutput(f32('VEC3', [0, 0, 0, 3, 0, 0])).setInterpolation('STEP')
  step.addSampler(move).addChannel(doc.createAnimationChannel().setTargetNode(joint0).setTargetPath('translation').setSampler(move))
  const glb = await new NodeIO().writeBinary(doc)
  return parseGltfAsset(glb, 'two-bone.glb')
}

function expectPositions(actual: Float32Array, expected: number[][]): void {
  expect(actual.length).toBe(3 * expected.length)
  expected.forEach((p, v) => p.forEach((x, k) => expect(actual[3 * v + k], `vertex ${v} axis ${k}`).toBeCloseTo(x, 5)))
}

describe('linear blend skinning of a glTF asset', () => {
  let asset: GltfAsset
  beforeAll(async () => {
    asset = await twoBoneAsset()
  })

  it('reads the skin, the morph target, the animations and the texture', () => {
    expect(asset.primitives).toHaveLength(1)
    const p = asset.primitives[0]!
    expect([p.mesh, p.primitive, p.skin, p.influences]).toEqual(['arm', 0, 0, 4])
    expect(Array.from(p.faces)).toEqual([0, 2, 1, 0, 3, 2])
    expect(p.targetWeights).toEqual([0.25])
    expect(asset.animations.map((a) => [a.name, a.duration])).toEqual([
      ['bend', 1],
      ['step', 1],
    ])
    expect(asset.skins[0]!.joints.map((j) => asset.nodes[j]!.name)).toEqual(['root-bone', 'tip-bone'])
    expect(p.material.texture).toMatchObject({ width: 2, height: 1, wrapS: 'repeat' })
  })

  it('gives the bind positions (plus default morph weights) in the rest pose, ignoring the mesh node', () => {
    expectPositions(posePositions(asset, { animation: -1, time: 0 })[0]!, [
      [0, 0, 0.5],
      [0, 2, 0],
      [1, 1, 0],
      [0, 1, 0],
    ])
  })

  it('bends the tip by the interpolated joint rotation and blends half-weighted vertices', () => {
    // t = 1: joint 1 is T(0,1,0) Rz(90): (0,2,0) -> (-1,1,0); v2 = 0.5 (1,1,0) + 0.5 (0,2,0); morph weight 1.
    expectPositions(posePositions(asset, { animation: 0, time: 1 })[0]!, [
      [0, 0, 2],
      [-1, 1, 0],
      [0.5, 1.5, 0],
      [0, 1, 0],
    ])
    // t = 0.5: slerp gives 45 degrees; (0,1,0) about the joint -> (-S, 1 + S, 0); morph weight 0.625.
    // v2 = 0.5 (1,1,0) + 0.5 (S, 1 + S, 0).
    expectPositions(posePositions(asset, { animation: 0, time: 0.5 })[0]!, [
      [0, 0, 1.25],
      [-S, 1 + S, 0],
      [0.5 + 0.5 * S, 1 + 0.5 * S, 0],
      [0, 1, 0],
    ])
  })

  it('clamps times outside the keys and steps STEP channels', () => {
    expectPositions(posePositions(asset, { animation: 0, time: 7 })[0]!.subarray(3, 6), [[-1, 1, 0]])
    const [before, at] = [posePositions(asset, { animation: 1, time: 0.99 })[0]!, posePositions(asset, { animation: 1, time: 1 })[0]!]
    expect(before[3]).toBeCloseTo(0, 6)
    expect(at[3]).toBeCloseTo(3, 6)
    expect(at[0]).toBeCloseTo(3, 6)
  })

  it('interpolates cubic-spline channels with tangents scaled by the key interval', () => {
    // One scalar from 0 to 1 over [0, 2] with out-tangent 0.5 and in-tangent 0.5 per second: a straight line.
    const channel = {
      node: 0,
      path: 'translation' as const,
      interpolation: 'CUBICSPLINE' as const,
      times: Float32Array.of(0, 2),
      values: Float32Array.of(0, 0, 0.5, 0.5, 1, 0),
      width: 1,
    }
    expect(sampleChannel(channel, 1)[0]).toBeCloseTo(0.5, 6)
    expect(sampleChannel(channel, 0.5)[0]).toBeCloseTo(0.25, 6)
  })

  it('samples the base colour texture at the UV, times the factor', () => {
    const m = asset.primitives[0]!.material
    const out = new Float64Array(3)
    albedoAt({ texture: m.texture!, factor: m.baseColor, gloss: 0 }, 0.25, 0.5, 0, out)
    expect(Array.from(out)).toEqual([1, 0, 0])
    albedoAt({ texture: m.texture!, factor: m.baseColor, gloss: 0 }, 0.75, 0.5, 0, out)
    expect(Array.from(out)).toEqual([0, 0, 1])
    // Half way between the texel centres, with REPEAT: an even mix.
    albedoAt({ texture: m.texture!, factor: m.baseColor, gloss: 0 }, 0.5, 0.5, 0, out)
    expect(Array.from(out)).toEqual([0.5, 0, 0.5])
  })

  it('refuses an asset that requires an extension it does not implement', async () => {
    const doc = new Document()
    doc.createScene().addChild(doc.createNode())
    const glb = await new NodeIO().writeBinary(doc)
    // gltf-transform drops unknown extensions on write, so the refused file is patched by hand.
    await expect(parseGltfAsset(withRequiredExtension(glb, 'KHR_draco_mesh_compression'), 'draco.glb')).rejects.toThrow(/draco\.glb: .*KHR_draco_mesh_compression/)
    await expect(parseGltfAsset(glb, 'empty.glb')).rejects.toThrow(/empty\.glb: the scene draws no triangle mesh/)
  })
})

/** The GLB with `extensionsRequired` added to its JSON chunk (padded to 4 bytes with spaces). */
function withRequiredExtension(glb: Uint8Array, extension: string): Uint8Array {
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength)
  const jsonLength = view.getUint32(12, true)
  const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLength))) as Record<string, unknown>
  json.extensionsRequired = [extension]
  json.extensionsUsed = [extension]
  let text = JSON.stringify(json)
  while (text.length % 4 !== 0) text += ' '
  const jsonBytes = new TextEncoder().encode(text)
  const rest = glb.subarray(20 + jsonLength)
  const out = new Uint8Array(20 + jsonBytes.length + rest.length)
  const o = new DataView(out.buffer)
  o.setUint32(0, 0x46546c67, true)
  o.setUint32(4, 2, true)
  o.setUint32(8, out.length, true)
  o.setUint32(12, jsonBytes.length, true)
  o.setUint32(16, 0x4e4f534a, true)
  out.set(jsonBytes, 20)
  out.set(rest, 20 + jsonBytes.length)
  return out
}
