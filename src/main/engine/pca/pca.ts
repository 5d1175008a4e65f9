import type { FeatureMap } from '../../features/backbones/types'
import type { Mask } from '../../images/rgb-image'
import { unitFeatureMap } from '../../features/backbones/feature-map'
import { SeededRandom } from '../math/seeded-random'
import { orthonormaliseRows, symmetricEigen } from './linalg'

/** A per-category PCA of backbone features: plain data, serialisable as it is. */
export interface Pca {
  /** Channels of the raw features it was fitted on. */
  inputChannels: number
  dims: number
  /** Mean of the fitted cells (inputChannels). */
  mean: Float32Array
  /** Principal axes as rows (dims x inputChannels), strongest first, unit length. */
  components: Float32Array
  /** Variance along each axis. */
  variance: Float32Array
}

export interface PcaOptions {
  /** At most this many foreground cells enter the fit, drawn evenly at random (default 4096). */
  maxCells?: number
  /** Power iterations of the randomised range finder (default 2). */
  powerIterations?: number
  seed?: number
}

/**
 * Cells whose centre lies on the mask's foreground, as (map index, cell index) pairs. The mask
 * covers the same square crop as the map, at any resolution.
 */
function foregroundCells(map: FeatureMap, mask: Mask): number[] {
  const out: number[] = []
  for (let i = 0; i < map.height; i++) {
    for (let j = 0; j < map.width; j++) {
      const mx = Math.min(mask.width - 1, Math.floor(((j + 0.5) / map.width) * mask.width))
      const my = Math.min(mask.height - 1, Math.floor(((i + 0.5) / map.height) * mask.height))
      if (mask.data[my * mask.width + mx]) out.push(i * map.width + j)
    }
  }
  return out
}

/**
 * PCA of the features of the training images' foreground cells (METHOD §9), by a randomised
 * SVD (Halko, Martinsson & Tropp): the exact covariance of 2304-channel hypercolumns would
 * cost n C^2 / 2 multiply-adds, the range finder (4 + 2q) n C (dims + 16).
 */
export function fitPca(maps: readonly FeatureMap[], masks: readonly Mask[], dims = 64, options: PcaOptions = {}): Pca {
  if (maps.length === 0 || maps.length !== masks.length) throw new RangeError(`fitPca needs one mask per map, got ${maps.length} maps and ${masks.length} masks`)
  const C = maps[0]!.channels
  for (const m of maps) if (m.channels !== C) throw new RangeError(`fitPca: maps have ${C} and ${m.channels} channels`)
  const rng = new SeededRandom(options.seed ?? 0)
  const cells: [number, number][] = []
  maps.forEach((map, k) => {
    for (const c of foregroundCells(map, masks[k]!)) cells.push([k, c])
  })
  if (cells.length < 2) throw new Error(`fitPca: only ${cells.length} foreground cells`)
  const chosen = rng.sample(cells.length, options.maxCells ?? 4096).sort((a, b) => a - b).map((q) => cells[q]!)
  const n = chosen.length
  const x = new Float32Array(n * C)
  const mean = new Float64Array(C)
  chosen.forEach(([k, cell], r) => {
    const map = maps[k]!
    const plane = map.height * map.width
    for (let c = 0; c < C; c++) {
      const v = map.data[c * plane + cell]!
      x[r * C + c] = v
      mean[c]! += v / n
    }
  })
  for (let r = 0; r < n; r++) for (let c = 0; c < C; c++) x[r * C + c]! -= mean[c]!

  const k = Math.min(dims, C, n)
  const l = Math.min(k + 16, C, n)
  // Range finder: Q (as l rows of length n) spans X's leading left singular vectors.
  const omega = new Float64Array(l * C)
  for (let q = 0; q < omega.length; q++) omega[q] = rng.normal()
  const qt = timesTransposed(x, n, C, omega, l)
  orthonormaliseRows(qt, l, n)
  for (let it = 0; it < (options.powerIterations ?? 2); it++) {
    const zt = transposedTimes(x, n, C, qt, l)
    orthonormaliseRows(zt, l, C)
    qt.set(timesTransposed(x, n, C, zt, l))
    orthonormaliseRows(qt, l, n)
  }
  // B = Q^T X (l x C); its right singular vectors are the principal axes.
  const b = transposedTimes(x, n, C, qt, l)
  const gram = new Float64Array(l * l)
  for (let i = 0; i < l; i++) {
    for (let j = i; j < l; j++) {
      let s = 0
      for (let c = 0; c < C; c++) s += b[i * C + c]! * b[j * C + c]!
      gram[i * l + j] = s
      gram[j * l + i] = s
    }
  }
  const { values, vectors } = symmetricEigen(gram, l)
  const components = new Float32Array(k * C)
  const variance = new Float32Array(k)
  const axis = new Float64Array(C)
  for (let a = 0; a < k; a++) {
    axis.fill(0)
    for (let i = 0; i < l; i++) {
      const u = vectors[a * l + i]!
      for (let c = 0; c < C; c++) axis[c]! += u * b[i * C + c]!
    }
    let norm = 0
    let big = 0
    for (let c = 0; c < C; c++) {
      norm += axis[c]! * axis[c]!
      if (Math.abs(axis[c]!) > Math.abs(big)) big = axis[c]!
    }
    // Unit length, and the sign that makes the largest entry positive: deterministic axes.
    const inv = norm > 0 ? Math.sign(big) / Math.sqrt(norm) : 0
    for (let c = 0; c < C; c++) components[a * C + c] = axis[c]! * inv
    variance[a] = Math.max(values[a]!, 0) / (n - 1)
  }
  return { inputChannels: C, dims: k, mean: Float32Array.from(mean), components, variance }
}

/** Rows of (X M^T) transposed: out (l x n), out[j][i] = X[i] . M[j], M given as l rows of length C. */
function timesTransposed(x: Float32Array, n: number, C: number, m: Float64Array, l: number): Float64Array {
  const out = new Float64Array(l * n)
  for (let i = 0; i < n; i++) {
    const xo = i * C
    for (let j = 0; j < l; j++) {
      const mo = j * C
      let s = 0
      for (let c = 0; c < C; c++) s += x[xo + c]! * m[mo + c]!
      out[j * n + i] = s
    }
  }
  return out
}

/** Q^T X with Q given as l rows of length n: out (l x C). */
function transposedTimes(x: Float32Array, n: number, C: number, qt: Float64Array, l: number): Float64Array {
  const out = new Float64Array(l * C)
  for (let i = 0; i < n; i++) {
    const xo = i * C
    for (let j = 0; j < l; j++) {
      const w = qt[j * n + i]!
      if (w === 0) continue
      const oo = j * C
      for (let c = 0; c < C; c++) out[oo + c]! += w * x[xo + c]!
    }
  }
  return out
}

/** The map in PCA coordinates, each cell re-normalised to unit length. */
export function projectPca(pca: Pca, map: FeatureMap): FeatureMap {
  const { inputChannels: C, dims: k, mean, components } = pca
  if (map.channels !== C) throw new RangeError(`projectPca: the PCA expects ${C} channels, the map has ${map.channels}`)
  const plane = map.height * map.width
  const out = new Float64Array(plane * k)
  const centred = new Float64Array(C)
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < C; c++) centred[c] = map.data[c * plane + p]! - mean[c]!
    for (let a = 0; a < k; a++) {
      const ao = a * C
      let s = 0
      for (let c = 0; c < C; c++) s += components[ao + c]! * centred[c]!
      out[p * k + a] = s
    }
  }
  return unitFeatureMap(out, 'hwc', k, map.height, map.width, map.stride)
}
