import type { Vec3 } from '../../engine/render/mat3'
import type { Material, SurfaceMaterial } from './materials'
import { MeshBuilder } from './mesh-builder'
import type { PartMesh } from './mesh-builder'

/**
 * A keypoint is a 3-D point on or inside the parts that carry it. It is visible when the
 * pixel it projects to shows one of those parts and the surface there is within `tolerance`
 * (model units) in front of it: points on the axis of a thin part (a hoof, a beak) use the
 * part's radius, surface points a small slack.
 */
export interface Keypoint3D {
  position: Vec3
  parts: readonly number[]
  tolerance: number
  /**
   * Pixels around the projection also searched for that surface (0 when absent): a vertex at a
   * sharp tip (an ear, a paw) often projects just beside the pixel centres its faces cover.
   */
  reach?: number
}

/** One procedural instance: a mesh, one material per part, keypoints in the category's order. */
export interface ObjectModel {
  mesh: PartMesh
  partNames: readonly string[]
  materials: readonly SurfaceMaterial[]
  keypoints: readonly Keypoint3D[]
}

export class ModelBuilder {
  readonly mesh = new MeshBuilder()
  private readonly partNames: string[] = []
  private readonly materials: Material[] = []
  private readonly keypoints = new Map<string, Keypoint3D>()

  constructor(private readonly keypointNames: readonly string[]) {}

  part(name: string, material: Material): number {
    if (this.partNames.includes(name)) throw new Error(`duplicate part ${name}`)
    this.partNames.push(name)
    this.materials.push(material)
    return this.partNames.length - 1
  }

  keypoint(name: string, position: Vec3, parts: readonly number[], tolerance: number): void {
    if (!this.keypointNames.includes(name)) throw new Error(`unknown keypoint ${name}`)
    if (this.keypoints.has(name)) throw new Error(`keypoint ${name} defined twice`)
    this.keypoints.set(name, { position, parts, tolerance })
  }

  build(): ObjectModel {
    const keypoints = this.keypointNames.map((name) => {
      const k = this.keypoints.get(name)
      if (k === undefined) throw new Error(`keypoint ${name} was never placed`)
      return k
    })
    return { mesh: this.mesh.build(), partNames: this.partNames, materials: this.materials, keypoints }
  }
}
