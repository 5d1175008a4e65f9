import { describe, expect, it } from 'vitest'
import { MeshExportError, meshToGlb, meshToObj } from '../../../src/main/engine/export/mesh-files'
import { createTemplate } from '../../../src/main/engine/template/template'

const template = createTemplate(4)
const colours = new Float32Array(template.rest.length).map((_, q) => (q % 7) / 6)
const mesh = { vertices: template.rest, faces: template.faces, colours, name: 'quadruped' }

interface Accessor {
  bufferView: number
  componentType: number
  count: number
  type: string
  min?: number[]
  max?: number[]
}
interface Gltf {
  asset: { version: string }
  buffers: { byteLength: number }[]
  bufferViews: { buffer: number; byteOffset: number; byteLength: number; target: number }[]
  accessors: Accessor[]
  meshes: { name: string; primitives: { attributes: Record<string, number>; indices: number; mode: number }[] }[]
}

function parseGlb(glb: Buffer): { json: Gltf; bin: Buffer } {
  expect(glb.readUInt32LE(0)).toBe(0x46546c67)
  expect(glb.readUInt32LE(4)).toBe(2)
  expect(glb.readUInt32LE(8)).toBe(glb.length)
  const jsonLength = glb.readUInt32LE(12)
  expect(glb.readUInt32LE(16)).toBe(0x4e4f534a)
  expect(jsonLength % 4).toBe(0)
  const json = JSON.parse(glb.subarray(20, 20 + jsonLength).toString('utf8')) as Gltf
  const binAt = 20 + jsonLength
  const binLength = glb.readUInt32LE(binAt)
  expect(glb.readUInt32LE(binAt + 4)).toBe(0x004e4942)
  expect(binAt + 8 + binLength).toBe(glb.length)
  return { json, bin: glb.subarray(binAt + 8, binAt + 8 + binLength) }
}

const SIZES: Record<string, number> = { SCALAR: 1, VEC3: 3 }

function read(json: Gltf, bin: Buffer, a: number): Float32Array | Uint32Array {
  const acc = json.accessors[a]!
  const view = json.bufferViews[acc.bufferView]!
  const bytes = bin.subarray(view.byteOffset, view.byteOffset + view.byteLength)
  const copy = new Uint8Array(bytes).buffer
  const arr = acc.componentType === 5126 ? new Float32Array(copy) : new Uint32Array(copy)
  expect(arr.length).toBe(acc.count * SIZES[acc.type]!)
  return arr
}

describe('binary glTF export', () => {
  it('writes a header, a JSON chunk and a binary chunk that glTF readers accept', () => {
    const { json, bin } = parseGlb(meshToGlb(mesh))
    expect(json.asset.version).toBe('2.0')
    expect(json.buffers[0]!.byteLength).toBe(bin.length)
    for (const v of json.bufferViews) {
      expect(v.byteOffset % 4).toBe(0)
      expect(v.byteOffset + v.byteLength).toBeLessThanOrEqual(bin.length)
    }
    const [prim] = json.meshes[0]!.primitives
    expect(prim!.mode).toBe(4)
    expect(Object.keys(prim!.attributes).sort()).toEqual(['COLOR_0', 'NORMAL', 'POSITION'])

    const position = json.accessors[prim!.attributes.POSITION!]!
    expect(position).toMatchObject({ count: 2562, type: 'VEC3', componentType: 5126 })
    const xyz = read(json, bin, prim!.attributes.POSITION!)
    for (let c = 0; c < 3; c++) {
      const axis = Array.from(xyz.filter((_, q) => q % 3 === c))
      expect(position.min![c]).toBe(Math.min(...axis))
      expect(position.max![c]).toBe(Math.max(...axis))
    }
    expect(Array.from(xyz)).toEqual(Array.from(Float32Array.from(template.rest)))

    const colour = read(json, bin, prim!.attributes.COLOR_0!)
    expect(json.accessors[prim!.attributes.COLOR_0!]).toMatchObject({ count: 2562, type: 'VEC3', componentType: 5126 })
    expect(Array.from(colour)).toEqual(Array.from(colours))

    const indices = json.accessors[prim!.indices]!
    expect(indices).toMatchObject({ count: 3 * 5120, type: 'SCALAR', componentType: 5125, min: [0], max: [2561] })
    expect(Array.from(read(json, bin, prim!.indices))).toEqual(Array.from(template.faces))

    const normals = read(json, bin, prim!.attributes.NORMAL!)
    for (let i = 0; i < 2562; i += 97) expect(Math.hypot(normals[3 * i]!, normals[3 * i + 1]!, normals[3 * i + 2]!)).toBeCloseTo(1, 5)
  })

  it('leaves COLOR_0 out of a mesh without colours', () => {
    const { json } = parseGlb(meshToGlb({ vertices: template.rest, faces: template.faces }))
    expect(Object.keys(json.meshes[0]!.primitives[0]!.attributes).sort()).toEqual(['NORMAL', 'POSITION'])
  })
})

describe('OBJ export', () => {
  it('has one v line (with RGB) per vertex and one f line per face', () => {
    const obj = meshToObj(mesh)
    const lines = obj.split('\n')
    const v = lines.filter((l) => l.startsWith('v '))
    expect(v).toHaveLength(2562)
    expect(v[0]!.split(' ')).toHaveLength(7)
    expect(lines.filter((l) => l.startsWith('vn '))).toHaveLength(2562)
    const f = lines.filter((l) => l.startsWith('f '))
    expect(f).toHaveLength(5120)
    const ids = f.flatMap((l) => l.slice(2).split(' ').map((t) => Number(t.split('//')[0])))
    expect(Math.min(...ids)).toBe(1)
    expect(Math.max(...ids)).toBe(2562)
    expect(f[0]).toBe(`f ${template.faces[0]! + 1}//${template.faces[0]! + 1} ${template.faces[1]! + 1}//${template.faces[1]! + 1} ${template.faces[2]! + 1}//${template.faces[2]! + 1}`)
  })
})

describe('bad meshes', () => {
  const bad: [string, Parameters<typeof meshToObj>[0], RegExp][] = [
    ['a vertex array that is not triples', { vertices: [0, 0, 0, 1], faces: [0, 0, 0] }, /^vertices: need xyz triples, got 4/],
    ['a NaN coordinate', { vertices: [0, 0, 0, 1, Number.NaN, 0, 0, 1, 0], faces: [0, 1, 2] }, /^vertices: coordinate 1 of vertex 1 is NaN/],
    ['a face index out of range', { vertices: [0, 0, 0, 1, 0, 0, 0, 1, 0], faces: [0, 1, 3] }, /^faces: face 0 refers to vertex 3; the mesh has vertices 0\.\.2/],
    ['no faces', { vertices: [0, 0, 0, 1, 0, 0, 0, 1, 0], faces: [] }, /^faces: need vertex-index triples, got 0/],
    ['too few colours', { vertices: [0, 0, 0, 1, 0, 0, 0, 1, 0], faces: [0, 1, 2], colours: [1, 1, 1] }, /^colours: need one RGB triple per vertex \(9 numbers\), got 3/],
    ['a colour above 1', { vertices: [0, 0, 0, 1, 0, 0, 0, 1, 0], faces: [0, 1, 2], colours: [0, 0, 0, 0, 2, 0, 0, 0, 0] }, /^colours: channel 1 of vertex 1 is 2, outside \[0, 1\]/],
  ]
  it.each(bad)('refuses %s, naming the field', (_what, input, message) => {
    for (const write of [meshToObj, meshToGlb]) {
      let error: unknown
      try {
        write(input)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(MeshExportError)
      expect((error as Error).message).toMatch(message)
    }
  })
})
