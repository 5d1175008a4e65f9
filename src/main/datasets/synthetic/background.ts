import { hsl } from './materials'
import type { Rgb } from './materials'
import { valueNoise3 } from './noise'
import type { Rng } from './random'

/**
 * Clutter behind the object: a two-colour gradient, often a ground band, then random discs,
 * rectangles, bars and blobs, then low-frequency shading. RGB floats in [0, 1], row-major.
 * Shapes are drawn over the whole frame so that no cue says where the object is.
 */
export function paintBackground(rng: Rng, width: number, height: number): Float32Array {
  const rgb = new Float32Array(width * height * 3)
  const sky = randomColour(rng)
  const far = randomColour(rng)
  const angle = rng.uniform(0, 2 * Math.PI)
  const gx = Math.cos(angle) / Math.max(width, height)
  const gy = Math.sin(angle) / Math.max(width, height)
  const horizon = rng.chance(0.6) ? Math.floor(rng.uniform(0.35, 0.85) * height) : height
  const ground = randomColour(rng)
  const groundFar = randomColour(rng)
  for (let y = 0; y < height; y++) {
    const ground01 = 0.4 + (0.6 * (y - horizon)) / Math.max(1, height - horizon)
    for (let x = 0; x < width; x++) {
      const p = 3 * (y * width + x)
      const isGround = y >= horizon
      const a = isGround ? groundFar : sky
      const b = isGround ? ground : far
      const t = isGround ? ground01 : Math.min(1, Math.max(0, 0.5 + (x - width / 2) * gx + (y - height / 2) * gy))
      rgb[p] = a[0] + (b[0] - a[0]) * t
      rgb[p + 1] = a[1] + (b[1] - a[1]) * t
      rgb[p + 2] = a[2] + (b[2] - a[2]) * t
    }
  }
  const shapes = rng.int(5, 14)
  for (let s = 0; s < shapes; s++) drawShape(rng, rgb, width, height)
  shadeLowFrequency(rgb, width, height, rng.uniform(20, 60), rng.int(0, 0x7fffffff))
  return rgb
}

function randomColour(rng: Rng): Rgb {
  return hsl(rng.uniform(0, 360), rng.uniform(0.05, 0.6), rng.uniform(0.15, 0.85))
}

/** Multiplies by 0.8..1.2 noise; evaluated on a 4-pixel grid and interpolated, as it is smooth anyway. */
function shadeLowFrequency(rgb: Float32Array, width: number, height: number, period: number, seed: number): void {
  const step = 4
  const gw = Math.ceil(width / step) + 1
  const gh = Math.ceil(height / step) + 1
  const grid = new Float32Array(gw * gh)
  for (let j = 0; j < gh; j++) {
    for (let i = 0; i < gw; i++) grid[j * gw + i] = 0.8 + 0.4 * valueNoise3((i * step) / period, (j * step) / period, 0, seed)
  }
  for (let y = 0; y < height; y++) {
    const j = Math.floor(y / step)
    const fy = (y - j * step) / step
    for (let x = 0; x < width; x++) {
      const i = Math.floor(x / step)
      const fx = (x - i * step) / step
      const g0 = grid[j * gw + i]!
      const g1 = grid[j * gw + i + 1]!
      const g2 = grid[(j + 1) * gw + i]!
      const g3 = grid[(j + 1) * gw + i + 1]!
      const k = g0 + (g1 - g0) * fx + (g2 - g0 + (g3 - g2 - g1 + g0) * fx) * fy
      const p = 3 * (y * width + x)
      rgb[p] = rgb[p]! * k
      rgb[p + 1] = rgb[p + 1]! * k
      rgb[p + 2] = rgb[p + 2]! * k
    }
  }
}

const BLOB_ANGLES = 64

/** One shape as an inside-test over its bounding box, alpha-blended. */
function drawShape(rng: Rng, rgb: Float32Array, width: number, height: number): void {
  const colour = randomColour(rng)
  const alpha = rng.uniform(0.45, 1)
  const cx = rng.uniform(-0.1, 1.1) * width
  const cy = rng.uniform(-0.1, 1.1) * height
  const size = rng.uniform(0.04, 0.3) * Math.max(width, height)
  const kind = rng.pick(['disc', 'rect', 'bar', 'blob'] as const)
  const angle = rng.uniform(0, Math.PI)
  const ca = Math.cos(angle)
  const sa = Math.sin(angle)
  const aspect = rng.uniform(0.3, 1)
  // A blob is a disc whose radius wobbles with the angle.
  const radii = new Float32Array(BLOB_ANGLES + 1)
  const seed = rng.int(0, 0x7fffffff)
  for (let k = 0; k <= BLOB_ANGLES; k++) {
    const t = (2 * Math.PI * (k % BLOB_ANGLES)) / BLOB_ANGLES
    radii[k] = size * (0.5 + 0.7 * valueNoise3(1.5 * Math.cos(t), 1.5 * Math.sin(t), 0, seed))
  }
  const reach = kind === 'bar' ? size * 3 : size * 1.2
  const x0 = Math.max(0, Math.floor(cx - reach))
  const x1 = Math.min(width - 1, Math.ceil(cx + reach))
  const y0 = Math.max(0, Math.floor(cy - reach))
  const y1 = Math.min(height - 1, Math.ceil(cy + reach))
  const inv2 = 1 / (size * size)
  const invAspect2 = 1 / (aspect * aspect)
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx
      const u = dx * ca + dy * sa
      const v = -dx * sa + dy * ca
      let inside: boolean
      if (kind === 'disc') inside = (u * u + v * v * invAspect2) * inv2 < 1
      else if (kind === 'rect') inside = Math.abs(u) < size && Math.abs(v) < size * aspect
      else if (kind === 'bar') inside = Math.abs(u) < size * 3 && Math.abs(v) < size * 0.08
      else {
        const a = ((Math.atan2(v, u) + Math.PI) / (2 * Math.PI)) * BLOB_ANGLES
        const k = Math.floor(a)
        const r0 = radii[k]!
        const r = r0 + (radii[Math.min(k + 1, BLOB_ANGLES)]! - r0) * (a - k)
        inside = u * u + v * v < r * r
      }
      if (!inside) continue
      const p = 3 * (y * width + x)
      rgb[p] = rgb[p]! + (colour[0] - rgb[p]!) * alpha
      rgb[p + 1] = rgb[p + 1]! + (colour[1] - rgb[p + 1]!) * alpha
      rgb[p + 2] = rgb[p + 2]! + (colour[2] - rgb[p + 2]!) * alpha
    }
  }
}
