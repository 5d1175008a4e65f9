import { symmetricEigen } from '../../engine/pca/linalg'

/**
 * The first 3 principal axes of a set of per-vertex features and the range of each score over
 * that set: the canonical mesh fixes them, so the same feature gets the same colour on every
 * mesh of a run.
 */
export interface FeatureColourBasis {
  channels: number
  mean: Float64Array
  /** 3 rows of `channels` (zero rows where there are fewer than 3 channels). */
  axes: Float64Array
  lo: [number, number, number]
  hi: [number, number, number]
}

export function featureColourBasis(features: Float64Array, channels: number): FeatureColourBasis {
  const n = features.length / channels
  const mean = new Float64Array(channels)
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) mean[c]! += features[i * channels + c]! / n
  const cov = new Float64Array(channels * channels)
  const row = new Float64Array(channels)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) row[c] = features[i * channels + c]! - mean[c]!
    for (let a = 0; a < channels; a++) {
      const ra = row[a]!
      if (ra === 0) continue
      for (let b = a; b < channels; b++) cov[a * channels + b]! += ra * row[b]!
    }
  }
  for (let a = 0; a < channels; a++) for (let b = 0; b < a; b++) cov[a * channels + b] = cov[b * channels + a]!
  const { vectors } = symmetricEigen(cov, channels)
  const axes = new Float64Array(3 * channels)
  for (let k = 0; k < Math.min(3, channels); k++) {
    // The sign that makes the largest entry positive: the same colours from run to run.
    let big = 0
    for (let c = 0; c < channels; c++) if (Math.abs(vectors[k * channels + c]!) > Math.abs(big)) big = vectors[k * channels + c]!
    const s = big < 0 ? -1 : 1
    for (let c = 0; c < channels; c++) axes[k * channels + c] = s * vectors[k * channels + c]!
  }
  const basis: FeatureColourBasis = { channels, mean, axes, lo: [0, 0, 0], hi: [0, 0, 0] }
  const scores = pcaScores(basis, features)
  for (let k = 0; k < 3; k++) {
    let lo = Number.POSITIVE_INFINITY
    let hi = Number.NEGATIVE_INFINITY
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, scores[3 * i + k]!)
      hi = Math.max(hi, scores[3 * i + k]!)
    }
    basis.lo[k] = lo
    basis.hi[k] = hi
  }
  return basis
}

function pcaScores(basis: FeatureColourBasis, features: Float64Array): Float64Array {
  const { channels, mean, axes } = basis
  const n = features.length / channels
  const out = new Float64Array(3 * n)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      let s = 0
      for (let c = 0; c < channels; c++) s += (features[i * channels + c]! - mean[c]!) * axes[k * channels + c]!
      out[3 * i + k] = s
    }
  }
  return out
}

/** RGB triples in [0, 1]: each vertex's first 3 PCA scores, scaled by the basis' ranges and clamped. */
export function featureColours(basis: FeatureColourBasis, features: Float64Array): Float32Array {
  const scores = pcaScores(basis, features)
  const out = new Float32Array(scores.length)
  for (let q = 0; q < scores.length; q++) {
    const k = q % 3
    const span = basis.hi[k]! - basis.lo[k]!
    out[q] = span > 0 ? Math.min(1, Math.max(0, (scores[q]! - basis.lo[k]!) / span)) : 0.5
  }
  return out
}
