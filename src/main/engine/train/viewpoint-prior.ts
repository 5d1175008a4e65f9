import type { ViewTarget } from '../losses/view-target'
import { invertSymmetric } from '../pca/linalg'

/**
 * Issue 23's camera choice for near-symmetric objects, made consistent across the collection
 * while the model learns (a lever in the spirit of MagicPony's amortised viewpoint: images that
 * look alike should be seen from alike cameras). Each training image is linked to the
 * PRIOR_NEIGHBOURS images whose features, pooled over a GRID x GRID split of the mask's box, are
 * most alike; when the image's hypotheses are compared, each hypothesis' loss is raised in
 * proportion to how far its azimuth is from the azimuths its neighbours kept at their last step.
 * The silhouette cannot tell a car's front from its back; the hope was that two cars seen from the
 * front look more alike than a front and a back. Measured on the demo car, only a little: a
 * neighbour's annotated bin is the image's own for 41 % of links and the opposite one for 28 %,
 * and the prior lowers the car's val transfer (docs/experiments/viewpoint-prior.md), so it is off.
 */
export const PRIOR_NEIGHBOURS = 8
const GRID = 3

/** Each image's neighbours, `k` per image, row-major, with their cosine similarity (at least 0). */
export interface ViewpointGraph {
  k: number
  neighbours: Int32Array
  weights: Float32Array
}

/**
 * The image's features averaged over each cell of a GRID x GRID split of its mask's box (the
 * foreground cells only), concatenated and scaled to unit length: where on the object which
 * features are, independent of the object's place and size in the crop.
 */
export function imageDescriptor(t: ViewTarget): Float64Array {
  const C = t.channels
  const [x1, y1, x2, y2] = t.box
  const out = new Float64Array(GRID * GRID * C)
  const counts = new Float64Array(GRID * GRID)
  const M = t.maskSize
  const cell = (v: number, lo: number, hi: number): number => Math.min(GRID - 1, Math.max(0, Math.floor(((v - lo) / Math.max(hi - lo, 1e-9)) * GRID)))
  for (let i = 0; i < t.gridHeight; i++) {
    for (let j = 0; j < t.gridWidth; j++) {
      const nx = ((j + 0.5) / t.gridWidth) * 2 - 1
      const ny = ((i + 0.5) / t.gridHeight) * 2 - 1
      const mx = Math.min(M - 1, Math.floor(((nx + 1) / 2) * M))
      const my = Math.min(M - 1, Math.floor(((ny + 1) / 2) * M))
      if (t.distance[my * M + mx]! > 0) continue
      const g = cell(ny, y1, y2) * GRID + cell(nx, x1, x2)
      counts[g]!++
      const src = (i * t.gridWidth + j) * C
      for (let c = 0; c < C; c++) out[g * C + c]! += t.cells[src + c]!
    }
  }
  let norm = 0
  for (let g = 0; g < GRID * GRID; g++) {
    if (!counts[g]) continue
    for (let c = 0; c < C; c++) {
      out[g * C + c]! /= counts[g]!
      norm += out[g * C + c]! ** 2
    }
  }
  if (norm > 0) for (let q = 0; q < out.length; q++) out[q]! /= Math.sqrt(norm)
  return out
}

/** The descriptor graph of a training collection (n^2 descriptor products, once per run). */
export function viewpointGraph(targets: readonly ViewTarget[], k = PRIOR_NEIGHBOURS): ViewpointGraph {
  const n = targets.length
  const kk = Math.max(0, Math.min(k, n - 1))
  const d = targets.map(imageDescriptor)
  const neighbours = new Int32Array(n * kk)
  const weights = new Float32Array(n * kk)
  for (let i = 0; i < n; i++) {
    const sims: [number, number][] = []
    for (let j = 0; j < n; j++) {
      if (j === i) continue
      let dot = 0
      const a = d[i]!
      const b = d[j]!
      for (let q = 0; q < a.length; q++) dot += a[q]! * b[q]!
      sims.push([dot, j])
    }
    // Most alike first, the lower row first among equals (a fixed order, whatever sort does with ties).
    sims.sort((p, q) => q[0] - p[0] || p[1] - q[1])
    for (let m = 0; m < kk; m++) {
      neighbours[i * kk + m] = sims[m]![1]
      weights[i * kk + m] = Math.max(0, sims[m]![0])
    }
  }
  return { k: kk, neighbours, weights }
}

/** The azimuths row's neighbours kept (those that have been in a batch), with their weights: [azimuth, weight] pairs. */
export function neighbourAzimuths(graph: ViewpointGraph, kept: Float32Array, row: number): Float64Array {
  const out: number[] = []
  for (let m = 0; m < graph.k; m++) {
    const j = graph.neighbours[row * graph.k + m]!
    const w = graph.weights[row * graph.k + m]!
    if (Number.isFinite(kept[j]!) && w > 0) out.push(kept[j]!, w)
  }
  return Float64Array.from(out)
}

/** How far `azimuth` is from the neighbours' (weighted mean of (1 - cos difference) / 2): 0 agreeing, 1 opposite; 0 with none known. */
export function priorDisagreement(neighbours: Float64Array, azimuth: number): number {
  let sum = 0
  let weight = 0
  for (let q = 0; q < neighbours.length; q += 2) {
    sum += neighbours[q + 1]! * (1 - Math.cos(azimuth - neighbours[q]!))
    weight += neighbours[q + 1]!
  }
  return weight > 0 ? sum / (2 * weight) : 0
}

/** Folds of the viewpoint regression: each image's prior comes from a fit on the other folds. */
export const REGRESSION_FOLDS = 5
/** Ridge of the regression, on unit-length descriptors; fixed, not tuned (bench/experiments/viewpoint-neighbours.bench.ts reads what it predicts from annotated azimuths). */
const RIDGE = 0.1

/**
 * The amortised form of the prior (viewpointSource 'regression'): a ridge regression from an
 * image's descriptor to the unit vector of its kept azimuth, fitted on the images of the other
 * folds, in place of the look-alikes' mean. Where the look-alikes average every way two images
 * differ (the car's paint most), a fitted regression weighs the descriptor's directions that
 * predict the azimuth, as MagicPony's encoder does; fitted out of fold, it cannot just return an
 * image's own azimuth. The kernel inverses depend on the descriptors only and are made once; each
 * step refits from the kept azimuths as they are (an unknown one counts as the zero vector).
 */
export interface ViewpointRegression {
  fold: Int32Array
  /** Per fold: the rows outside it, (K + ridge I)^-1 over them, and the kernel from every row to them (n x rows). */
  parts: { rows: Int32Array; inverse: Float64Array; kernel: Float64Array }[]
}

export function viewpointRegression(targets: readonly ViewTarget[]): ViewpointRegression {
  const n = targets.length
  const d = targets.map(imageDescriptor)
  // Every fold reads the same products: made once (symmetric, each pair's sum in one order).
  const gram = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0
      for (let q = 0; q < d[i]!.length; q++) s += d[i]![q]! * d[j]![q]!
      gram[i * n + j] = gram[j * n + i] = s
    }
  }
  const dot = (i: number, j: number): number => gram[i * n + j]!
  const fold = Int32Array.from({ length: n }, (_, i) => i % REGRESSION_FOLDS)
  const parts = Array.from({ length: REGRESSION_FOLDS }, (_, f) => {
    const rows = Int32Array.from([...fold.keys()].filter((i) => fold[i] !== f))
    const m = rows.length
    const kernel = new Float64Array(n * m)
    for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) kernel[i * m + k] = dot(i, rows[k]!)
    const system = new Float64Array(m * m)
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) system[a * m + b] = kernel[rows[a]! * m + b]! + (a === b ? RIDGE : 0)
    return { rows, inverse: invertSymmetric(system, m), kernel }
  })
  return { fold, parts }
}

/**
 * The regression's prior for any row, fitted on `kept` as it stands: each fold's weights are
 * solved once (when a row of that fold first asks), then a row's prior is one kernel row times
 * them. A prior is [azimuth, weight] pairs whose weighted mean direction is the predicted vector
 * (length r, at most 1): (1 + r) / 2 at its azimuth and (1 - r) / 2 opposite, so that
 * priorDisagreement is (1 - r cos(difference)) / 2, indifferent as r goes to 0.
 */
export function regressionPriors(regression: ViewpointRegression, kept: Float32Array): (row: number) => Float64Array {
  const cos = Float64Array.from(kept, (k) => (Number.isFinite(k) ? Math.cos(k) : 0))
  const sin = Float64Array.from(kept, (k) => (Number.isFinite(k) ? Math.sin(k) : 0))
  const weights = new Map<number, { c: Float64Array; s: Float64Array }>()
  const foldWeights = (f: number): { c: Float64Array; s: Float64Array } => {
    const { rows, inverse } = regression.parts[f]!
    const m = rows.length
    const c = new Float64Array(m)
    const s = new Float64Array(m)
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        c[a]! += inverse[a * m + b]! * cos[rows[b]!]!
        s[a]! += inverse[a * m + b]! * sin[rows[b]!]!
      }
    }
    return { c, s }
  }
  return (row) => {
    const f = regression.fold[row]!
    let alpha = weights.get(f)
    if (!alpha) weights.set(f, (alpha = foldWeights(f)))
    const { kernel, rows } = regression.parts[f]!
    const m = rows.length
    let c = 0
    let s = 0
    for (let a = 0; a < m; a++) {
      c += kernel[row * m + a]! * alpha.c[a]!
      s += kernel[row * m + a]! * alpha.s[a]!
    }
    const r = Math.min(1, Math.hypot(c, s))
    if (r === 0) return new Float64Array(0)
    const azimuth = Math.atan2(s, c)
    return Float64Array.from([azimuth, (1 + r) / 2, azimuth + Math.PI, (1 - r) / 2])
  }
}

/**
 * What the training loop asks for a viewpoint prior: given the azimuths the rows kept so far, each row's prior as
 * [azimuth, weight] pairs (priorDisagreement reads them).
 */
export type ViewpointPriorSource = (kept: Float32Array) => (row: number) => Float64Array

export const graphPrior = (graph: ViewpointGraph): ViewpointPriorSource => (kept) => (row) => neighbourAzimuths(graph, kept, row)

export const regressionPrior = (regression: ViewpointRegression): ViewpointPriorSource => (kept) => regressionPriors(regression, kept)

/** Azimuths given from outside in place of the images' own (the experiments' oracle: the annotated bins). */
export const givenPrior = (azimuths: Float32Array): ViewpointPriorSource => () => (row) => Float64Array.from([azimuths[row]!, 1])
