import { Rng } from './random'

/**
 * Value noise on a 256-periodic lattice through a permutation table (Perlin's trick): a
 * fixed table, so textures depend only on the surface point and a per-material seed, and the
 * same instance looks the same from every viewpoint. A seed shifts the lattice.
 */
const PERM = new Uint8Array(512)
const VALUES = new Float32Array(256)
{
  const rng = new Rng('semagic-value-noise')
  const order = rng.shuffle(Array.from({ length: 256 }, (_, i) => i))
  for (let i = 0; i < 512; i++) PERM[i] = order[i & 255]!
  for (let i = 0; i < 256; i++) VALUES[i] = rng.next()
}

function lattice(ix: number, iy: number, iz: number): number {
  return VALUES[PERM[PERM[PERM[ix & 255]! + (iy & 255)]! + (iz & 255)]!]!
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t)
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t
}

/** Smooth noise in [0, 1) with unit lattice spacing. */
export function valueNoise3(x: number, y: number, z: number, seed: number): number {
  const sx = x + (seed % 241)
  const sy = y + ((seed >>> 8) % 239)
  const sz = z + ((seed >>> 16) % 233)
  const ix = Math.floor(sx)
  const iy = Math.floor(sy)
  const iz = Math.floor(sz)
  const fx = smooth(sx - ix)
  const fy = smooth(sy - iy)
  const fz = smooth(sz - iz)
  return lerp(
    lerp(lerp(lattice(ix, iy, iz), lattice(ix + 1, iy, iz), fx), lerp(lattice(ix, iy + 1, iz), lattice(ix + 1, iy + 1, iz), fx), fy),
    lerp(lerp(lattice(ix, iy, iz + 1), lattice(ix + 1, iy, iz + 1), fx), lerp(lattice(ix, iy + 1, iz + 1), lattice(ix + 1, iy + 1, iz + 1), fx), fy),
    fz,
  )
}

/** Two octaves, for patches that look less like a lattice. */
export function fractalNoise3(x: number, y: number, z: number, seed: number): number {
  return (2 * valueNoise3(x, y, z, seed) + valueNoise3(2.03 * x, 2.03 * y, 2.03 * z, seed + 1)) / 3
}

/** Per-pixel grain in [0, 1). */
export function pixelHash(x: number, y: number, seed: number): number {
  let h = Math.imul(x, 374761393) ^ Math.imul(y, 668265263) ^ Math.imul(seed, 2246822519)
  h = Math.imul(h ^ (h >>> 13), 1274126177)
  h ^= h >>> 16
  return (h >>> 0) / 4294967296
}
