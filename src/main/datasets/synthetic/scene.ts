import { lookAt, projectPoints } from '../../engine/render/camera'
import type { PerspectiveCamera } from '../../engine/render/camera'
import { add, mat3Apply, mat3Multiply, mat3Transpose, normalize, rotationX, rotationY, scale } from '../../engine/render/mat3'
import type { Vec3 } from '../../engine/render/mat3'
import { hsl, material } from './materials'
import type { Material } from './materials'
import { MeshBuilder } from './mesh-builder'
import type { PartMesh } from './mesh-builder'
import type { ObjectModel } from './model-builder'
import { addBox } from './primitives'
import type { Rng } from './random'

/** Image sizes (width, height) drawn uniformly: landscape, portrait, square, as in VOC. */
const IMAGE_SIZES: readonly (readonly [number, number])[] = [
  [320, 240],
  [240, 320],
  [288, 288],
]

/** Things between the camera and the object: one part (and material) per occluder. */
export interface Occluders {
  mesh: PartMesh
  materials: readonly Material[]
}

export interface SceneSpec {
  width: number
  height: number
  camera: PerspectiveCamera
  /** Degrees in [0, 360): 0 sees the object's front, 90 its left side (see README). */
  azimuth: number
  /** Degrees above the object's horizontal plane. */
  elevation: number
  occluders: Occluders | null
  /** Unit world direction towards the light. */
  light: Vec3
  ambient: number
}

const DEG = Math.PI / 180

/** Centre and radius of the sphere around the mesh's bounding box. */
function boundingSphere(positions: Float32Array): { centre: Vec3; radius: number } {
  const lo = [Infinity, Infinity, Infinity]
  const hi = [-Infinity, -Infinity, -Infinity]
  for (let i = 0; i < positions.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      const v = positions[i + k]!
      lo[k] = Math.min(lo[k]!, v)
      hi[k] = Math.max(hi[k]!, v)
    }
  }
  const centre: Vec3 = [(lo[0]! + hi[0]!) / 2, (lo[1]! + hi[1]!) / 2, (lo[2]! + hi[2]!) / 2]
  let radius = 0
  for (let i = 0; i < positions.length; i += 3) {
    radius = Math.max(radius, Math.hypot(positions[i]! - centre[0], positions[i + 1]! - centre[1], positions[i + 2]! - centre[2]))
  }
  return { centre, radius }
}

/**
 * Viewpoint over the full circle, elevation mostly low, object size and place in the frame,
 * sometimes pushed over the border (truncation), sometimes boxes or poles in front (occlusion).
 */
export function sampleScene(rng: Rng, model: ObjectModel): SceneSpec {
  const [width, height] = rng.pick(IMAGE_SIZES)
  const { centre, radius } = boundingSphere(model.mesh.positions)
  const azimuth = rng.uniform(0, 360)
  const elevation = rng.chance(0.85) ? rng.uniform(-8, 40) : rng.uniform(40, 60)
  const focal = Math.max(width, height) * rng.uniform(0.9, 1.8)
  // Apparent diameter of the bounding sphere; the object itself is smaller, more so end-on.
  const diameterPx = rng.uniform(0.65, 1.25) * Math.min(width, height)
  const distance = (focal * 2 * radius) / diameterPx
  const a = azimuth * DEG
  const e = elevation * DEG
  const eye = add(centre, scale([Math.cos(e) * Math.sin(a), Math.sin(e), Math.cos(e) * Math.cos(a)], distance))
  const pose = lookAt(eye, centre, rng.signed(8) * DEG)
  const halfPx = diameterPx / 2
  // Mostly inside the frame; sometimes pushed over a border (truncation).
  const place = (size: number): number =>
    rng.chance(0.12)
      ? rng.pick([-1, 1]) * (size / 2 - rng.uniform(-0.2, 0.5) * halfPx) + size / 2
      : size / 2 + rng.signed(Math.max(0, size / 2 - halfPx))
  const camera: PerspectiveCamera = {
    kind: 'perspective',
    rotation: pose.rotation,
    translation: pose.translation,
    fx: focal,
    fy: focal,
    cx: place(width),
    cy: place(height),
    near: 1e-3 * distance,
  }
  const cameraToWorld = mat3Transpose(pose.rotation)
  const occluders = rng.chance(0.35)
    ? sampleOccluders(rng, model, camera, eye, distance - radius, diameterPx, width, height)
    : null
  const light = normalize(mat3Apply(cameraToWorld, [rng.signed(0.8), -rng.uniform(0.3, 1), -rng.uniform(0.3, 1)]))
  return { width, height, camera, azimuth, elevation, occluders, light, ambient: rng.uniform(0.3, 0.5) }
}

function sampleOccluders(
  rng: Rng,
  model: ObjectModel,
  camera: PerspectiveCamera,
  eye: Vec3,
  clearDepth: number,
  objectPx: number,
  width: number,
  height: number,
): Occluders {
  const mesh = new MeshBuilder()
  const materials: Material[] = []
  const cameraToWorld = mat3Transpose(camera.rotation)
  const count = rng.chance(0.7) ? 1 : 2
  const positions = model.mesh.positions
  for (let i = 0; i < count; i++) {
    // Aim at a random point of the object so that the occluder really hides some of it.
    const v = rng.int(0, positions.length / 3 - 1)
    const target: Vec3 = [positions[3 * v]!, positions[3 * v + 1]!, positions[3 * v + 2]!]
    const [tu, tv] = projectPoints(Float32Array.of(...target), camera, width, height)
    const u = tu! + rng.signed(0.15 * objectPx)
    const w = tv! + rng.signed(0.15 * objectPx)
    const depth = clearDepth * rng.uniform(0.45, 0.9)
    const perPx = depth / camera.fx
    const centre = add(eye, mat3Apply(cameraToWorld, [((u - camera.cx) / camera.fx) * depth, ((w - camera.cy) / camera.fy) * depth, depth]))
    const pole = rng.chance(0.5)
    const half: Vec3 = pole
      ? [rng.uniform(0.02, 0.06) * objectPx * perPx, height * 2 * perPx, rng.uniform(0.02, 0.06) * objectPx * perPx]
      : [rng.uniform(0.06, 0.18) * objectPx * perPx, rng.uniform(0.06, 0.22) * objectPx * perPx, rng.uniform(0.05, 0.15) * objectPx * perPx]
    const rotation = pole ? rotationY(rng.uniform(0, Math.PI)) : mat3Multiply(rotationY(rng.uniform(0, Math.PI)), rotationX(rng.signed(0.5)))
    const part = materials.length
    materials.push(
      material(rng, {
        base: hsl(rng.uniform(0, 360), rng.uniform(0, 0.5), rng.uniform(0.2, 0.7)),
        accent: hsl(rng.uniform(0, 360), rng.uniform(0, 0.5), rng.uniform(0.2, 0.7)),
        pattern: rng.pick(['plain', 'mottled', 'stripes'] as const),
        frequency: 3 / Math.max(half[0], 1e-6),
        gloss: rng.uniform(0, 0.3),
      }),
    )
    addBox(mesh, part, { origin: centre, rotation }, half)
  }
  return { mesh: mesh.build(), materials }
}
