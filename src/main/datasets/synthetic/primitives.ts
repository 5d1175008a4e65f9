import type { Vec3 } from '../../engine/render/mat3'
import { cross, length, mat3FromColumns, normalize, sub } from '../../engine/render/mat3'
import type { Frame, MeshBuilder } from './mesh-builder'

/** A frame at `origin` whose local z axis points along `direction` (any twist about it). */
export function frameAlong(origin: Vec3, direction: Vec3): Frame {
  const z = normalize(direction)
  const up: Vec3 = Math.abs(z[1]) < 0.95 ? [0, 1, 0] : [1, 0, 0]
  const x = normalize(cross(up, z))
  return { origin, rotation: mat3FromColumns(x, cross(z, x), z) }
}

/**
 * Surface of revolution about local z. `profile` lists (z, r) from one pole to the other with
 * z increasing and r = 0 at both ends; a repeated point makes a sharp crease (zero-area ring).
 * The cross-section is stretched by (xScale, yScale), which turns a sphere into an ellipsoid.
 */
export function addLathe(
  mesh: MeshBuilder,
  part: number,
  frame: Frame,
  profile: readonly (readonly [number, number])[],
  segments: number,
  xScale = 1,
  yScale = 1,
): void {
  const first = profile[0]
  const last = profile[profile.length - 1]
  if (profile.length < 3 || first === undefined || last === undefined || first[1] !== 0 || last[1] !== 0) {
    throw new RangeError('a lathe profile needs at least 3 points and r = 0 at both poles')
  }
  const cos: number[] = []
  const sin: number[] = []
  for (let j = 0; j < segments; j++) {
    const phi = (2 * Math.PI * j) / segments
    cos.push(Math.cos(phi))
    sin.push(Math.sin(phi))
  }
  const bottom = mesh.vertex(frame, [0, 0, first[0]])
  const rings: number[] = []
  for (let i = 1; i < profile.length - 1; i++) {
    const [z, r] = profile[i]!
    rings.push(mesh.vertexCount)
    for (let j = 0; j < segments; j++) mesh.vertex(frame, [r * xScale * cos[j]!, r * yScale * sin[j]!, z])
  }
  const top = mesh.vertex(frame, [0, 0, last[0]])
  const ringCount = rings.length
  for (let j = 0; j < segments; j++) {
    const k = (j + 1) % segments
    const r0 = rings[0]!
    mesh.triangle(bottom, r0 + k, r0 + j, part)
    for (let i = 0; i + 1 < ringCount; i++) {
      const a = rings[i]!
      const b = rings[i + 1]!
      mesh.triangle(a + j, a + k, b + k, part)
      mesh.triangle(a + j, b + k, b + j, part)
    }
    const rn = rings[ringCount - 1]!
    mesh.triangle(top, rn + j, rn + k, part)
  }
}

/** Ellipsoid with semi-axes `radii` along the frame's x, y, z. */
export function addEllipsoid(mesh: MeshBuilder, part: number, frame: Frame, radii: Vec3, segments = 16, rings = 10): void {
  const profile: [number, number][] = []
  for (let i = 0; i <= rings; i++) {
    const theta = (Math.PI * i) / rings
    profile.push([-radii[2] * Math.cos(theta), i === 0 || i === rings ? 0 : Math.sin(theta)])
  }
  addLathe(mesh, part, frame, profile, segments, radii[0], radii[1])
}

/** Point on the ellipsoid's surface in local direction `direction`, pulled `inset` towards the centre. */
export function ellipsoidPoint(radii: Vec3, direction: Vec3, inset = 0): Vec3 {
  const [dx, dy, dz] = direction
  const t = 1 / Math.hypot(dx / radii[0], dy / radii[1], dz / radii[2])
  const s = t * (1 - inset)
  return [dx * s, dy * s, dz * s]
}

/**
 * Tapered capsule (a limb, a neck, a tail, an ear, a beak) from `a` to `b` with radii `ra`
 * and `rb`, closed by half-spheres. Local frame: z along a -> b, origin at a.
 */
export function addTube(mesh: MeshBuilder, part: number, a: Vec3, b: Vec3, ra: number, rb: number, segments = 10): Frame {
  const frame = frameAlong(a, sub(b, a))
  const len = length(sub(b, a))
  const capSteps = 3
  const profile: [number, number][] = [[-ra, 0]]
  for (let k = 1; k < capSteps; k++) {
    const theta = ((Math.PI / 2) * k) / capSteps
    profile.push([-ra * Math.cos(theta), ra * Math.sin(theta)])
  }
  profile.push([0, ra], [len, rb])
  for (let k = capSteps - 1; k >= 1; k--) {
    const theta = ((Math.PI / 2) * k) / capSteps
    profile.push([len + rb * Math.cos(theta), rb * Math.sin(theta)])
  }
  profile.push([len + rb, 0])
  addLathe(mesh, part, frame, profile, segments)
  return frame
}

/** Closed cylinder about local z from -halfLength to +halfLength, with sharp rims (a wheel). */
export function addCylinder(mesh: MeshBuilder, part: number, frame: Frame, radius: number, halfLength: number, segments = 18): void {
  const h = halfLength
  const profile: [number, number][] = [[-h, 0], [-h, radius], [-h, radius], [h, radius], [h, radius], [h, 0]]
  addLathe(mesh, part, frame, profile, segments)
}

/** Sign of a hexahedron corner along each local axis. */
export type CornerSigns = readonly [-1 | 1, -1 | 1, -1 | 1]

/**
 * Six-sided solid whose corners a function places (a box, or a cabin narrower at the top);
 * it must keep a box's orientation. Each side has its own vertices, so shading is flat.
 */
export function addHexahedron(mesh: MeshBuilder, part: number, frame: Frame, corner: (signs: CornerSigns) => Vec3): void {
  for (let axis = 0; axis < 3; axis++) {
    for (const sign of [1, -1] as const) {
      // (u, v, axis) is a right-handed cycle; swapping u and v on the negative side keeps
      // the corners counter-clockwise seen from outside.
      const u = sign > 0 ? (axis + 1) % 3 : (axis + 2) % 3
      const v = sign > 0 ? (axis + 2) % 3 : (axis + 1) % 3
      const at = (su: -1 | 1, sv: -1 | 1): number => {
        const signs: (-1 | 1)[] = [1, 1, 1]
        signs[axis] = sign
        signs[u] = su
        signs[v] = sv
        return mesh.vertex(frame, corner([signs[0]!, signs[1]!, signs[2]!]))
      }
      const c0 = at(-1, -1)
      const c1 = at(1, -1)
      const c2 = at(1, 1)
      const c3 = at(-1, 1)
      mesh.triangle(c0, c1, c2, part)
      mesh.triangle(c0, c2, c3, part)
    }
  }
}

/** Box with half-extents `half` along the frame's axes. */
export function addBox(mesh: MeshBuilder, part: number, frame: Frame, half: Vec3): void {
  addHexahedron(mesh, part, frame, ([sx, sy, sz]) => [sx * half[0], sy * half[1], sz * half[2]])
}
