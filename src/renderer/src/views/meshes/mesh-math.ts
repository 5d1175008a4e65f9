/**
 * Pure helpers of the Meshes view (no DOM, no three.js): colour modes and picking, so that they
 * are tested in Node and picking stays a plain loop over the faces, run once per click.
 */
import { rampColour } from '../../lib/colour-ramp'
import type { Rgb } from '../../lib/colour-ramp'

export type ColourMode = 'pca' | 'index' | 'deformation' | 'visibility'

export const COLOUR_MODES: readonly { id: ColourMode; label: string }[] = [
  { id: 'pca', label: 'feature PCA' },
  { id: 'index', label: 'vertex index' },
  { id: 'deformation', label: 'deformation' },
  { id: 'visibility', label: 'visibility' },
]

export function isColourMode(s: string | null): s is ColourMode {
  return COLOUR_MODES.some((m) => m.id === s)
}

/** Viridis at 5 stops (matplotlib's): perceptually ordered for magnitudes. */
const VIRIDIS: readonly Rgb[] = [
  [0.267, 0.005, 0.329],
  [0.229, 0.322, 0.546],
  [0.128, 0.567, 0.551],
  [0.369, 0.789, 0.383],
  [0.993, 0.906, 0.144],
]

export const viridis = (t: number): [number, number, number] => rampColour(VIRIDIS, t)

/** HSL (h in turns, s and l in [0, 1]) to RGB in [0, 1]. */
function hsl(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number): number => (n + h * 12) % 12
  const a = s * Math.min(l, 1 - l)
  const f = (n: number): number => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))
  return [f(0), f(8), f(4)]
}

const VISIBLE: readonly [number, number, number] = [0.2, 0.75, 0.35]
const HIDDEN: readonly [number, number, number] = [0.45, 0.45, 0.5]

export interface ColourInputs {
  vertexCount: number
  pcaColours: readonly number[]
  deformation: readonly number[]
  /** null: no camera (the canonical mesh with no image chosen), every vertex counts as visible. */
  visible: readonly number[] | null
}

/** RGB triples in [0, 1], one per vertex, for a colour mode. */
export function vertexColours(mesh: ColourInputs, mode: ColourMode): Float32Array {
  const n = mesh.vertexCount
  const out = new Float32Array(3 * n)
  if (mode === 'pca') {
    out.set(mesh.pcaColours.slice(0, 3 * n))
    return out
  }
  let maxDeformation = 0
  if (mode === 'deformation') for (const d of mesh.deformation) maxDeformation = Math.max(maxDeformation, d)
  for (let i = 0; i < n; i++) {
    let c: readonly [number, number, number]
    if (mode === 'index') c = hsl((0.8 * i) / Math.max(1, n - 1), 0.85, 0.55)
    else if (mode === 'deformation') c = viridis(maxDeformation > 0 ? mesh.deformation[i]! / maxDeformation : 0)
    else c = !mesh.visible || mesh.visible[i] ? VISIBLE : HIDDEN
    out[3 * i] = c[0]
    out[3 * i + 1] = c[1]
    out[3 * i + 2] = c[2]
  }
  return out
}

export const rgbCss = (c: ArrayLike<number>, i: number, alpha = 1): string =>
  `rgba(${Math.round(255 * c[3 * i]!)}, ${Math.round(255 * c[3 * i + 1]!)}, ${Math.round(255 * c[3 * i + 2]!)}, ${alpha})`

export type Vec3 = readonly [number, number, number]

export interface Pick {
  vertex: number
  face: number
  /** Distance along the ray to the hit. */
  t: number
}

/**
 * The vertex under a ray: the nearest face the ray crosses (Moller-Trumbore, both sides), then
 * that face's corner nearest the hit point. One pass over the faces: about 5,000 triangles for
 * a 2,562-vertex mesh, well under a millisecond, so it runs on click, never on pointer moves.
 */
export function pickVertex(vertices: ArrayLike<number>, faces: ArrayLike<number>, origin: Vec3, dir: Vec3): Pick | null {
  const [ox, oy, oz] = origin
  const [dx, dy, dz] = dir
  let best: Pick | null = null
  let hx = 0
  let hy = 0
  let hz = 0
  for (let f = 0; f < faces.length; f += 3) {
    const a = 3 * faces[f]!
    const b = 3 * faces[f + 1]!
    const c = 3 * faces[f + 2]!
    const ax = vertices[a]!
    const ay = vertices[a + 1]!
    const az = vertices[a + 2]!
    const e1x = vertices[b]! - ax
    const e1y = vertices[b + 1]! - ay
    const e1z = vertices[b + 2]! - az
    const e2x = vertices[c]! - ax
    const e2y = vertices[c + 1]! - ay
    const e2z = vertices[c + 2]! - az
    const px = dy * e2z - dz * e2y
    const py = dz * e2x - dx * e2z
    const pz = dx * e2y - dy * e2x
    const det = e1x * px + e1y * py + e1z * pz
    if (Math.abs(det) < 1e-12) continue
    const inv = 1 / det
    const tx = ox - ax
    const ty = oy - ay
    const tz = oz - az
    const u = (tx * px + ty * py + tz * pz) * inv
    if (u < 0 || u > 1) continue
    const qx = ty * e1z - tz * e1y
    const qy = tz * e1x - tx * e1z
    const qz = tx * e1y - ty * e1x
    const v = (dx * qx + dy * qy + dz * qz) * inv
    if (v < 0 || u + v > 1) continue
    const t = (e2x * qx + e2y * qy + e2z * qz) * inv
    if (t <= 0 || (best && t >= best.t)) continue
    best = { vertex: -1, face: f / 3, t }
    hx = ox + t * dx
    hy = oy + t * dy
    hz = oz + t * dz
  }
  if (!best) return null
  let nearest = Infinity
  for (let k = 0; k < 3; k++) {
    const i = faces[3 * best.face + k]!
    const d = (vertices[3 * i]! - hx) ** 2 + (vertices[3 * i + 1]! - hy) ** 2 + (vertices[3 * i + 2]! - hz) ** 2
    if (d < nearest) {
      nearest = d
      best.vertex = i
    }
  }
  return best
}

/** The visible projected vertex nearest an image point (for clicks on the image overlay), within `radius` pixels. */
export function nearestProjected(projected: readonly number[], visible: readonly number[], x: number, y: number, radius: number): number | null {
  let best: number | null = null
  let bestD = radius * radius
  for (let i = 0; i < visible.length; i++) {
    if (!visible[i]) continue
    const d = (projected[2 * i]! - x) ** 2 + (projected[2 * i + 1]! - y) ** 2
    if (d <= bestD) {
      bestD = d
      best = i
    }
  }
  return best
}

/** Centre and radius of a mesh's bounding sphere (about its box centre). */
export function bounds(vertices: readonly number[]): { centre: Vec3; radius: number } {
  const min = [Infinity, Infinity, Infinity]
  const max = [-Infinity, -Infinity, -Infinity]
  for (let q = 0; q < vertices.length; q++) {
    const k = q % 3
    min[k] = Math.min(min[k]!, vertices[q]!)
    max[k] = Math.max(max[k]!, vertices[q]!)
  }
  const centre: Vec3 = [(min[0]! + max[0]!) / 2, (min[1]! + max[1]!) / 2, (min[2]! + max[2]!) / 2]
  let r = 0
  for (let i = 0; i < vertices.length; i += 3) r = Math.max(r, Math.hypot(vertices[i]! - centre[0], vertices[i + 1]! - centre[1], vertices[i + 2]! - centre[2]))
  return { centre, radius: r || 1 }
}
