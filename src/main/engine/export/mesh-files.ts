import { vertexNormals } from '../template/normals'

/** A triangle mesh to write out: xyz triples, vertex-index triples, optional RGB triples in [0, 1]. */
export interface ExportMesh {
  vertices: ArrayLike<number>
  faces: ArrayLike<number>
  colours?: ArrayLike<number> | null
  /** Object / mesh name written into the file. */
  name?: string
}

/** A mesh that does not make a valid file; `field` names the input at fault. */
export class MeshExportError extends Error {
  constructor(
    readonly field: 'vertices' | 'faces' | 'colours' | 'name',
    message: string,
  ) {
    super(`${field}: ${message}`)
    this.name = 'MeshExportError'
  }
}

interface Checked {
  vertexCount: number
  faceCount: number
  positions: Float32Array
  indices: Uint32Array
  colours: Float32Array | null
  name: string
}

function check(mesh: ExportMesh): Checked {
  const { vertices, faces } = mesh
  if (vertices.length === 0 || vertices.length % 3 !== 0) throw new MeshExportError('vertices', `need xyz triples, got ${vertices.length} numbers`)
  const vertexCount = vertices.length / 3
  const positions = new Float32Array(vertices.length)
  for (let q = 0; q < vertices.length; q++) {
    const v = vertices[q]!
    if (!Number.isFinite(v)) throw new MeshExportError('vertices', `coordinate ${q % 3} of vertex ${Math.floor(q / 3)} is ${v}, not a finite number`)
    positions[q] = v
  }
  if (faces.length === 0 || faces.length % 3 !== 0) throw new MeshExportError('faces', `need vertex-index triples, got ${faces.length} numbers`)
  const indices = new Uint32Array(faces.length)
  for (let q = 0; q < faces.length; q++) {
    const f = faces[q]!
    if (!Number.isInteger(f) || f < 0 || f >= vertexCount) {
      throw new MeshExportError('faces', `face ${Math.floor(q / 3)} refers to vertex ${f}; the mesh has vertices 0..${vertexCount - 1}`)
    }
    indices[q] = f
  }
  let colours: Float32Array | null = null
  if (mesh.colours) {
    if (mesh.colours.length !== vertices.length) throw new MeshExportError('colours', `need one RGB triple per vertex (${vertices.length} numbers), got ${mesh.colours.length}`)
    colours = new Float32Array(mesh.colours.length)
    for (let q = 0; q < colours.length; q++) {
      const c = mesh.colours[q]!
      if (!(c >= 0 && c <= 1)) throw new MeshExportError('colours', `channel ${q % 3} of vertex ${Math.floor(q / 3)} is ${c}, outside [0, 1]`)
      colours[q] = c
    }
  }
  const name = mesh.name ?? 'mesh'
  if (/[\r\n]/.test(name)) throw new MeshExportError('name', 'must be one line')
  return { vertexCount, faceCount: faces.length / 3, positions, indices, colours, name }
}

const fmt = (v: number): string => String(Math.round(v * 1e6) / 1e6)

/**
 * Wavefront OBJ: `v x y z [r g b]` (vertex colours as the widespread extension MeshLab, Blender
 * and three.js read), `vn` normals, `f a//a b//b c//c` with 1-based indices.
 */
export function meshToObj(mesh: ExportMesh): string {
  const m = check(mesh)
  const normals = vertexNormals(m.positions, m.indices)
  const lines: string[] = [`# SEMAGIC studio mesh: ${m.vertexCount} vertices, ${m.faceCount} faces`, `o ${m.name}`]
  for (let i = 0; i < m.vertexCount; i++) {
    const p = m.positions
    let line = `v ${fmt(p[3 * i]!)} ${fmt(p[3 * i + 1]!)} ${fmt(p[3 * i + 2]!)}`
    if (m.colours) line += ` ${fmt(m.colours[3 * i]!)} ${fmt(m.colours[3 * i + 1]!)} ${fmt(m.colours[3 * i + 2]!)}`
    lines.push(line)
  }
  for (let i = 0; i < m.vertexCount; i++) lines.push(`vn ${fmt(normals[3 * i]!)} ${fmt(normals[3 * i + 1]!)} ${fmt(normals[3 * i + 2]!)}`)
  for (let f = 0; f < m.faceCount; f++) {
    const [a, b, c] = [m.indices[3 * f]! + 1, m.indices[3 * f + 1]! + 1, m.indices[3 * f + 2]! + 1]
    lines.push(`f ${a}//${a} ${b}//${b} ${c}//${c}`)
  }
  return `${lines.join('\n')}\n`
}

const GLB_MAGIC = 0x46546c67 // 'glTF'
const CHUNK_JSON = 0x4e4f534a // 'JSON'
const CHUNK_BIN = 0x004e4942 // 'BIN\0'
const FLOAT = 5126
const UNSIGNED_INT = 5125
const ARRAY_BUFFER = 34962
const ELEMENT_ARRAY_BUFFER = 34963

function minMax(data: Float32Array, components: number): { min: number[]; max: number[] } {
  const min = new Array<number>(components).fill(Number.POSITIVE_INFINITY)
  const max = new Array<number>(components).fill(Number.NEGATIVE_INFINITY)
  for (let q = 0; q < data.length; q++) {
    const c = q % components
    if (data[q]! < min[c]!) min[c] = data[q]!
    if (data[q]! > max[c]!) max[c] = data[q]!
  }
  return { min, max }
}

const pad4 = (n: number): number => (n + 3) & ~3

/**
 * Binary glTF 2.0: one mesh, one primitive (triangles) with POSITION, NORMAL, COLOR_0 (when the
 * mesh has colours) and 32-bit indices, all in one buffer. Units are the model's.
 */
export function meshToGlb(mesh: ExportMesh): Buffer {
  const m = check(mesh)
  const normals = Float32Array.from(vertexNormals(m.positions, m.indices))
  const parts: { data: Float32Array | Uint32Array; target: number }[] = [
    { data: m.positions, target: ARRAY_BUFFER },
    { data: normals, target: ARRAY_BUFFER },
    ...(m.colours ? [{ data: m.colours, target: ARRAY_BUFFER }] : []),
    { data: m.indices, target: ELEMENT_ARRAY_BUFFER },
  ]
  let offset = 0
  const bufferViews = parts.map(({ data, target }) => {
    const view = { buffer: 0, byteOffset: offset, byteLength: data.byteLength, target }
    offset = pad4(offset + data.byteLength)
    return view
  })
  const binLength = offset
  const accessors: Record<string, unknown>[] = [
    { bufferView: 0, componentType: FLOAT, count: m.vertexCount, type: 'VEC3', ...minMax(m.positions, 3) },
    { bufferView: 1, componentType: FLOAT, count: m.vertexCount, type: 'VEC3' },
  ]
  const attributes: Record<string, number> = { POSITION: 0, NORMAL: 1 }
  if (m.colours) {
    attributes.COLOR_0 = accessors.length
    accessors.push({ bufferView: 2, componentType: FLOAT, count: m.vertexCount, type: 'VEC3' })
  }
  const indices = accessors.length
  accessors.push({ bufferView: parts.length - 1, componentType: UNSIGNED_INT, count: m.indices.length, type: 'SCALAR', min: [0], max: [m.vertexCount - 1] })
  const gltf = {
    asset: { version: '2.0', generator: 'SEMAGIC studio' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0, name: m.name }],
    meshes: [{ name: m.name, primitives: [{ attributes, indices, mode: 4 }] }],
    buffers: [{ byteLength: binLength }],
    bufferViews,
    accessors,
  }
  const json = Buffer.from(JSON.stringify(gltf), 'utf8')
  const jsonLength = pad4(json.length)
  const total = 12 + 8 + jsonLength + 8 + binLength
  const out = Buffer.alloc(total)
  out.writeUInt32LE(GLB_MAGIC, 0)
  out.writeUInt32LE(2, 4)
  out.writeUInt32LE(total, 8)
  out.writeUInt32LE(jsonLength, 12)
  out.writeUInt32LE(CHUNK_JSON, 16)
  json.copy(out, 20)
  // The JSON chunk is padded with spaces, the binary chunk with zeros (glTF 2.0 §4.4.3).
  out.fill(0x20, 20 + json.length, 20 + jsonLength)
  const bin = 20 + jsonLength
  out.writeUInt32LE(binLength, bin)
  out.writeUInt32LE(CHUNK_BIN, bin + 4)
  parts.forEach(({ data }, k) => {
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, bin + 8 + bufferViews[k]!.byteOffset)
  })
  return out
}
