import { icosphere } from './icosphere'

/** Semi-axes of the starting ellipsoid: (lateral x, up y, forward z). */
export type Ellipsoid = readonly [number, number, number]

/** The shape METHOD §9 starts a compact animal from. */
export const DEFAULT_ELLIPSOID: Ellipsoid = [0.35, 0.7, 1.0]

/**
 * A category template: an icosphere scaled to an ellipsoid, with what the losses need about
 * its connectivity. Model frame: +x lateral (the object's left), +y up, +z forward.
 */
export interface Template {
  level: number
  vertexCount: number
  /** Starting positions (xyz triples), exactly mirror-symmetric about x = 0. */
  rest: Float64Array
  /** Triangles wound outward. */
  faces: Uint32Array
  /** mirror[i] = the vertex at (-x, y, z) of vertex i; an involution, fixed on the plane x = 0. */
  mirror: Int32Array
  /** Neighbours of vertex i: neighbours[neighbourStart[i] .. neighbourStart[i + 1]). */
  neighbourStart: Int32Array
  neighbours: Int32Array
  /** Unique edges as (a, b) pairs with a < b. */
  edges: Uint32Array
}

export function createTemplate(level: number, ellipsoid: Ellipsoid = DEFAULT_ELLIPSOID): Template {
  if (!ellipsoid.every((a) => a > 0 && Number.isFinite(a))) throw new RangeError(`ellipsoid semi-axes must be positive, got ${ellipsoid.join(', ')}`)
  const { positions, faces } = icosphere(level)
  const n = positions.length / 3
  const rest = new Float64Array(positions.length)
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) rest[3 * i + c] = positions[3 * i + c]! * ellipsoid[c]!
  const { neighbourStart, neighbours, edges } = connectivity(n, faces)
  return { level, vertexCount: n, rest, faces, mirror: mirrorMap(positions), neighbourStart, neighbours, edges }
}

function mirrorMap(positions: Float64Array): Int32Array {
  const n = positions.length / 3
  const key = (x: number, y: number, z: number): string => `${Math.round(x * 1e9)},${Math.round(y * 1e9)},${Math.round(z * 1e9)}`
  const index = new Map<string, number>()
  for (let i = 0; i < n; i++) index.set(key(positions[3 * i]!, positions[3 * i + 1]!, positions[3 * i + 2]!), i)
  const mirror = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const j = index.get(key(-positions[3 * i]!, positions[3 * i + 1]!, positions[3 * i + 2]!))
    if (j === undefined) throw new Error(`template vertex ${i} has no mirror image`)
    mirror[i] = j
  }
  return mirror
}

function connectivity(n: number, faces: Uint32Array): Pick<Template, 'neighbourStart' | 'neighbours' | 'edges'> {
  const sets: Set<number>[] = Array.from({ length: n }, () => new Set())
  for (let f = 0; f < faces.length; f += 3) {
    for (let e = 0; e < 3; e++) {
      const a = faces[f + e]!
      const b = faces[f + ((e + 1) % 3)]!
      sets[a]!.add(b)
      sets[b]!.add(a)
    }
  }
  const neighbourStart = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) neighbourStart[i + 1] = neighbourStart[i]! + sets[i]!.size
  const neighbours = new Int32Array(neighbourStart[n]!)
  const edges: number[] = []
  for (let i = 0; i < n; i++) {
    const sorted = [...sets[i]!].sort((a, b) => a - b)
    neighbours.set(sorted, neighbourStart[i]!)
    for (const j of sorted) if (i < j) edges.push(i, j)
  }
  return { neighbourStart, neighbours, edges: Uint32Array.from(edges) }
}
