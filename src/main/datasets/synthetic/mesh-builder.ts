import type { Mat3, Vec3 } from '../../engine/render/mat3'
import { mat3Apply } from '../../engine/render/mat3'
import { vertexNormals } from '../../engine/template/normals'

/** A triangle mesh whose faces know which part they belong to. */
export interface PartMesh {
  positions: Float32Array
  /** Smooth vertex normals (area-weighted face normals); outward for closed primitives. */
  normals: Float32Array
  /**
   * Part-local coordinates of each vertex, where procedural textures are evaluated: stripes
   * follow the part through articulation and need no UV seams.
   */
  texCoords: Float32Array
  faces: Uint32Array
  faceParts: Uint8Array
}

/** Where a primitive sits: local coordinates map to parent ones as origin + R local. */
export interface Frame {
  origin: Vec3
  rotation: Mat3
}

export function toParent(frame: Frame, local: Vec3): Vec3 {
  const r = mat3Apply(frame.rotation, local)
  return [frame.origin[0] + r[0], frame.origin[1] + r[1], frame.origin[2] + r[2]]
}

export class MeshBuilder {
  private readonly positions: number[] = []
  private readonly texCoords: number[] = []
  private readonly faces: number[] = []
  private readonly faceParts: number[] = []

  get vertexCount(): number {
    return this.positions.length / 3
  }

  /** Adds a vertex at `local` in `frame`, textured by its local coordinates. */
  vertex(frame: Frame, local: Vec3): number {
    const p = toParent(frame, local)
    this.positions.push(p[0], p[1], p[2])
    this.texCoords.push(local[0], local[1], local[2])
    return this.vertexCount - 1
  }

  /** Counter-clockwise seen from outside, so that face normals point out. */
  triangle(a: number, b: number, c: number, part: number): void {
    if (part < 0 || part > 255) throw new RangeError(`part index ${part} does not fit a byte`)
    this.faces.push(a, b, c)
    this.faceParts.push(part)
  }

  build(): PartMesh {
    const positions = Float32Array.from(this.positions)
    const faces = Uint32Array.from(this.faces)
    return {
      positions,
      normals: Float32Array.from(vertexNormals(positions, faces)),
      texCoords: Float32Array.from(this.texCoords),
      faces,
      faceParts: Uint8Array.from(this.faceParts),
    }
  }
}

