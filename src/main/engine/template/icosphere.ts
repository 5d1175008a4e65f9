/** A unit icosphere: vertex positions (xyz triples) and outward-wound triangles. */
export interface Icosphere {
  positions: Float64Array
  faces: Uint32Array
}

/** Vertex count of an icosphere subdivided `level` times: 10 * 4^level + 2 (642 at 3, 2562 at 4). */
export function icosphereVertexCount(level: number): number {
  return 10 * 4 ** level + 2
}

/**
 * Icosahedron subdivided `level` times, each midpoint pushed to the unit sphere. The
 * icosahedron (+-1, +-phi, 0), (0, +-1, +-phi), (+-phi, 0, +-1) is closed under x -> -x, and a
 * midpoint of mirrored parents is computed with the same float operations up to the sign of x,
 * so the whole sphere is exactly mirror-symmetric about the plane x = 0.
 */
export function icosphere(level: number): Icosphere {
  if (!Number.isInteger(level) || level < 0 || level > 6) throw new RangeError(`icosphere level must be an integer in 0..6, got ${level}`)
  const phi = (1 + Math.sqrt(5)) / 2
  const pts: number[] = [
    -1, phi, 0, 1, phi, 0, -1, -phi, 0, 1, -phi, 0,
    0, -1, phi, 0, 1, phi, 0, -1, -phi, 0, 1, -phi,
    phi, 0, -1, phi, 0, 1, -phi, 0, -1, -phi, 0, 1,
  ]
  let faces: number[] = [
    0, 11, 5, 0, 5, 1, 0, 1, 7, 0, 7, 10, 0, 10, 11,
    1, 5, 9, 5, 11, 4, 11, 10, 2, 10, 7, 6, 7, 1, 8,
    3, 9, 4, 3, 4, 2, 3, 2, 6, 3, 6, 8, 3, 8, 9,
    4, 9, 5, 2, 4, 11, 6, 2, 10, 8, 6, 7, 9, 8, 1,
  ]
  for (let i = 0; i < pts.length; i += 3) normaliseAt(pts, i)
  for (let l = 0; l < level; l++) {
    const midpoints = new Map<number, number>()
    const midpoint = (a: number, b: number): number => {
      const key = a < b ? a * 1e6 + b : b * 1e6 + a
      const hit = midpoints.get(key)
      if (hit !== undefined) return hit
      const index = pts.length / 3
      pts.push((pts[3 * a]! + pts[3 * b]!) / 2, (pts[3 * a + 1]! + pts[3 * b + 1]!) / 2, (pts[3 * a + 2]! + pts[3 * b + 2]!) / 2)
      normaliseAt(pts, 3 * index)
      midpoints.set(key, index)
      return index
    }
    const next: number[] = []
    for (let f = 0; f < faces.length; f += 3) {
      const a = faces[f]!
      const b = faces[f + 1]!
      const c = faces[f + 2]!
      const ab = midpoint(a, b)
      const bc = midpoint(b, c)
      const ca = midpoint(c, a)
      next.push(a, ab, ca, b, bc, ab, c, ca, bc, ab, bc, ca)
    }
    faces = next
  }
  const positions = Float64Array.from(pts)
  const out = Uint32Array.from(faces)
  orientOutward(positions, out)
  return { positions, faces: out }
}

function normaliseAt(p: number[], i: number): void {
  const l = Math.hypot(p[i]!, p[i + 1]!, p[i + 2]!)
  p[i] = p[i]! / l
  p[i + 1] = p[i + 1]! / l
  p[i + 2] = p[i + 2]! / l
}

/** Winds every face so that its normal (b - a) x (c - a) points away from the centre. */
function orientOutward(positions: Float64Array, faces: Uint32Array): void {
  for (let f = 0; f < faces.length; f += 3) {
    const [a, b, c] = [faces[f]!, faces[f + 1]!, faces[f + 2]!]
    const ux = positions[3 * b]! - positions[3 * a]!
    const uy = positions[3 * b + 1]! - positions[3 * a + 1]!
    const uz = positions[3 * b + 2]! - positions[3 * a + 2]!
    const vx = positions[3 * c]! - positions[3 * a]!
    const vy = positions[3 * c + 1]! - positions[3 * a + 1]!
    const vz = positions[3 * c + 2]! - positions[3 * a + 2]!
    const nx = uy * vz - uz * vy
    const ny = uz * vx - ux * vz
    const nz = ux * vy - uy * vx
    const outward = nx * positions[3 * a]! + ny * positions[3 * a + 1]! + nz * positions[3 * a + 2]! > 0
    if (!outward) {
      faces[f + 1] = c
      faces[f + 2] = b
    }
  }
}
