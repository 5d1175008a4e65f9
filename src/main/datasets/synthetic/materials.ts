import type { Vec3 } from '../../engine/render/mat3'
import { fractalNoise3, valueNoise3 } from './noise'
import type { Rng } from './random'

/** Linear colour, channels in [0, 1]. */
export type Rgb = readonly [number, number, number]

/**
 * Procedural patterns, evaluated in part-local coordinates:
 * stripes (bands across `direction`, noise-warped), spots and patches (thresholded noise at
 * high and low frequency), mottled (continuous blend), rings (accent inside radius
 * `threshold` about the local z axis: a wheel's hub).
 */
export type Pattern = 'plain' | 'stripes' | 'spots' | 'patches' | 'mottled' | 'rings'

export interface Material {
  base: Rgb
  accent: Rgb
  pattern: Pattern
  /** Pattern cycles per model unit. */
  frequency: number
  direction: Vec3
  threshold: number
  seed: number
  /** Specular weight: 0 for fur and feathers, up to ~0.5 for paint and glass. */
  gloss: number
}

export function hsl(h: number, s: number, l: number): Rgb {
  const hue = ((h % 360) + 360) % 360
  const c = (1 - Math.abs(2 * l - 1)) * s
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1))
  const m = l - c / 2
  const [r, g, b] =
    hue < 60 ? [c, x, 0] : hue < 120 ? [x, c, 0] : hue < 180 ? [0, c, x] : hue < 240 ? [0, x, c] : hue < 300 ? [x, 0, c] : [c, 0, x]
  return [r + m, g + m, b + m]
}

export interface MaterialOptions {
  base: Rgb
  accent?: Rgb
  pattern?: Pattern
  frequency?: number
  direction?: Vec3
  threshold?: number
  gloss?: number
}

/**
 * An image texture, for surfaces that come with one (a glTF asset's base colour): the mesh's
 * texture coordinates are then (u, v, 0), sampled bilinearly with the texture's wrap modes.
 * Texel bytes are taken as display colour, as `hsl` colours are.
 */
export interface TexturedMaterial {
  texture: {
    width: number
    height: number
    /** RGB bytes, row-major, row 0 at v = 0. */
    rgb: Uint8Array
    wrapS: TextureWrap
    wrapT: TextureWrap
  }
  /** Multiplied into every texel (glTF's baseColorFactor). */
  factor: Rgb
  gloss: number
}

export type TextureWrap = 'repeat' | 'mirror' | 'clamp'

/** What a face is painted with: a procedural pattern or an image. */
export type SurfaceMaterial = Material | TexturedMaterial

/** A material whose free choices (seed, stripe direction) come from `rng`. */
export function material(rng: Rng, options: MaterialOptions): Material {
  return {
    base: options.base,
    accent: options.accent ?? options.base,
    pattern: options.pattern ?? 'plain',
    frequency: options.frequency ?? 4,
    direction: options.direction ?? [rng.signed(0.3), rng.signed(0.3), 1],
    threshold: options.threshold ?? 0.55,
    seed: rng.int(0, 0x7fffffff),
    gloss: options.gloss ?? 0,
  }
}

/** A plain material, for parts whose look never varies by pattern (eyes, lights, hooves). */
export function plain(base: Rgb, gloss = 0): Material {
  return { base, accent: base, pattern: 'plain', frequency: 1, direction: [0, 0, 1], threshold: 1, seed: 0, gloss }
}

function patternWeight(m: Material, x: number, y: number, z: number): number {
  const f = m.frequency
  switch (m.pattern) {
    case 'plain':
      return 0
    case 'stripes': {
      const [dx, dy, dz] = m.direction
      const s = (dx * x + dy * y + dz * z) * f + 0.6 * valueNoise3(x * 2, y * 2, z * 2, m.seed)
      return 0.5 + 0.5 * Math.sin(2 * Math.PI * s) > m.threshold ? 1 : 0
    }
    case 'spots':
      return valueNoise3(x * f, y * f, z * f, m.seed) > m.threshold ? 1 : 0
    case 'patches':
      return fractalNoise3(x * f, y * f, z * f, m.seed) > m.threshold ? 1 : 0
    case 'mottled':
      return fractalNoise3(x * f, y * f, z * f, m.seed)
    case 'rings':
      return x * x + y * y < m.threshold * m.threshold ? 1 : 0
  }
}

/** Albedo at texture point (x, y, z), written into `out` (three channels): part-local for a procedural material, (u, v, 0) for an image. */
export function albedoAt(m: SurfaceMaterial, x: number, y: number, z: number, out: Float64Array): void {
  if ('texture' in m) {
    sampleTexture(m, x, y, out)
    return
  }
  const w = patternWeight(m, x, y, z)
  // Fine grain so that large parts are never flat colour, as real fur and paint are not.
  const grain = 0.9 + 0.2 * valueNoise3(x * 23, y * 23, z * 23, m.seed + 7)
  out[0] = (m.base[0] + (m.accent[0] - m.base[0]) * w) * grain
  out[1] = (m.base[1] + (m.accent[1] - m.base[1]) * w) * grain
  out[2] = (m.base[2] + (m.accent[2] - m.base[2]) * w) * grain
}

function wrapTexel(i: number, size: number, wrap: TextureWrap): number {
  if (wrap === 'clamp') return i < 0 ? 0 : i >= size ? size - 1 : i
  if (wrap === 'repeat') return ((i % size) + size) % size
  const period = 2 * size
  const j = ((i % period) + period) % period
  return j < size ? j : period - 1 - j
}

/** Bilinear, texel centres at half-integers (as GPUs sample), times the factor. */
function sampleTexture(m: TexturedMaterial, u: number, v: number, out: Float64Array): void {
  const { width, height, rgb, wrapS, wrapT } = m.texture
  const x = u * width - 0.5
  const y = v * height - 0.5
  const x0 = Math.floor(x)
  const y0 = Math.floor(y)
  const fx = x - x0
  const fy = y - y0
  const xa = wrapTexel(x0, width, wrapS)
  const xb = wrapTexel(x0 + 1, width, wrapS)
  const ya = wrapTexel(y0, height, wrapT) * width
  const yb = wrapTexel(y0 + 1, height, wrapT) * width
  for (let c = 0; c < 3; c++) {
    const top = rgb[3 * (ya + xa) + c]! + (rgb[3 * (ya + xb) + c]! - rgb[3 * (ya + xa) + c]!) * fx
    const bottom = rgb[3 * (yb + xa) + c]! + (rgb[3 * (yb + xb) + c]! - rgb[3 * (yb + xa) + c]!) * fx
    out[c] = ((top + (bottom - top) * fy) / 255) * m.factor[c]!
  }
}
