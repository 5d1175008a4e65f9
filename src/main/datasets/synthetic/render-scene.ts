import { createRasterBuffers } from '../../engine/render/buffers'
import type { RasterBuffers } from '../../engine/render/buffers'
import { rasteriseInto } from '../../engine/render/rasterise'
import { albedoAt } from './materials'
import type { SurfaceMaterial } from './materials'
import type { PartMesh } from './mesh-builder'
import type { ObjectModel } from './model-builder'
import { pixelHash } from './noise'
import type { SceneSpec } from './scene'

export interface RenderedScene {
  width: number
  height: number
  /** RGBA bytes, alpha 255: what jpeg-js encodes. */
  rgba: Uint8Array
  /** 255 where the object is the visible surface, else 0. */
  mask: Uint8Array
  /** Object first, then occluders with face ids offset by `objectFaceCount`. */
  buffers: RasterBuffers
  objectFaceCount: number
  /** 1 where the object was drawn before the occluders went in, hidden or not. */
  objectCoverage: Uint8Array
}

/**
 * Rasterises the object, notes its coverage, rasterises the occluders into the same z-buffer,
 * then shades: interpolated normal, Lambert plus a little Blinn specular, procedural albedo
 * at the interpolated part-local point, over the background, plus sensor grain.
 */
export function renderScene(model: ObjectModel, scene: SceneSpec, background: Float32Array, grainSeed: number): RenderedScene {
  const { width, height, camera } = scene
  const buffers = createRasterBuffers(width, height)
  rasteriseInto(buffers, model.mesh.positions, model.mesh.faces, camera)
  const objectCoverage = new Uint8Array(width * height)
  for (let p = 0; p < objectCoverage.length; p++) objectCoverage[p] = buffers.faceId[p]! >= 0 ? 1 : 0
  const objectFaceCount = model.mesh.faces.length / 3
  if (scene.occluders !== null) rasteriseInto(buffers, scene.occluders.mesh.positions, scene.occluders.mesh.faces, camera, objectFaceCount)

  const colour = background.slice()
  const mask = new Uint8Array(width * height)
  const shade = new Shader(scene)
  for (let p = 0; p < mask.length; p++) {
    const f = buffers.faceId[p]!
    if (f < 0) continue
    if (f < objectFaceCount) {
      mask[p] = 255
      shade.pixel(model.mesh, model.materials, f, buffers.barycentric!, p, colour)
    } else if (scene.occluders !== null) {
      shade.pixel(scene.occluders.mesh, scene.occluders.materials, f - objectFaceCount, buffers.barycentric!, p, colour)
    }
  }
  const rgba = new Uint8Array(width * height * 4)
  const grain = grainTile(grainSeed)
  for (let y = 0; y < height; y++) {
    const tileRow = (y & (GRAIN_TILE - 1)) * GRAIN_TILE
    for (let x = 0; x < width; x++) {
      const p = y * width + x
      const g = grain[tileRow + (x & (GRAIN_TILE - 1))]!
      rgba[4 * p] = toByte(colour[3 * p]! + g)
      rgba[4 * p + 1] = toByte(colour[3 * p + 1]! + g)
      rgba[4 * p + 2] = toByte(colour[3 * p + 2]! + g)
      rgba[4 * p + 3] = 255
    }
  }
  return { width, height, rgba, mask, buffers, objectFaceCount, objectCoverage }
}

/** Sensor grain repeats every GRAIN_TILE pixels: far too faint for the repeat to show, and cheap. */
const GRAIN_TILE = 64

function grainTile(seed: number): Float32Array {
  const tile = new Float32Array(GRAIN_TILE * GRAIN_TILE)
  for (let i = 0; i < tile.length; i++) tile[i] = (pixelHash(i % GRAIN_TILE, Math.floor(i / GRAIN_TILE), seed) - 0.5) * 0.03
  return tile
}

function toByte(v: number): number {
  const b = Math.round(v * 255)
  return b < 0 ? 0 : b > 255 ? 255 : b
}

class Shader {
  private readonly albedo = new Float64Array(3)
  private readonly view: readonly [number, number, number]
  private readonly half: readonly [number, number, number]

  constructor(private readonly scene: SceneSpec) {
    const r = scene.camera.rotation
    // The camera's viewing axis in world coordinates (third row of world-to-camera).
    this.view = [r[6], r[7], r[8]]
    const [lx, ly, lz] = scene.light
    const hx = lx - r[6]
    const hy = ly - r[7]
    const hz = lz - r[8]
    const hl = Math.hypot(hx, hy, hz) || 1
    this.half = [hx / hl, hy / hl, hz / hl]
  }

  pixel(mesh: PartMesh, materials: readonly SurfaceMaterial[], face: number, bary: Float32Array, p: number, out: Float32Array): void {
    const { faces, normals, texCoords } = mesh
    const i0 = 3 * faces[3 * face]!
    const i1 = 3 * faces[3 * face + 1]!
    const i2 = 3 * faces[3 * face + 2]!
    const b0 = bary[3 * p]!
    const b1 = bary[3 * p + 1]!
    const b2 = bary[3 * p + 2]!
    let nx = b0 * normals[i0]! + b1 * normals[i1]! + b2 * normals[i2]!
    let ny = b0 * normals[i0 + 1]! + b1 * normals[i1 + 1]! + b2 * normals[i2 + 1]!
    let nz = b0 * normals[i0 + 2]! + b1 * normals[i1 + 2]! + b2 * normals[i2 + 2]!
    const nl = Math.sqrt(nx * nx + ny * ny + nz * nz) || 1
    // Two-sided: a normal facing away from the camera belongs to the other side.
    const flip = nx * this.view[0] + ny * this.view[1] + nz * this.view[2] > 0 ? -1 / nl : 1 / nl
    nx *= flip
    ny *= flip
    nz *= flip
    const m = materials[mesh.faceParts[face]!]!
    albedoAt(
      m,
      b0 * texCoords[i0]! + b1 * texCoords[i1]! + b2 * texCoords[i2]!,
      b0 * texCoords[i0 + 1]! + b1 * texCoords[i1 + 1]! + b2 * texCoords[i2 + 1]!,
      b0 * texCoords[i0 + 2]! + b1 * texCoords[i1 + 2]! + b2 * texCoords[i2 + 2]!,
      this.albedo,
    )
    const [lx, ly, lz] = this.scene.light
    const diffuse = Math.max(0, nx * lx + ny * ly + nz * lz)
    const light = this.scene.ambient + (1 - this.scene.ambient) * diffuse
    const specular = m.gloss > 0 ? m.gloss * Math.max(0, nx * this.half[0] + ny * this.half[1] + nz * this.half[2]) ** 24 : 0
    out[3 * p] = this.albedo[0]! * light + specular
    out[3 * p + 1] = this.albedo[1]! * light + specular
    out[3 * p + 2] = this.albedo[2]! * light + specular
  }
}
