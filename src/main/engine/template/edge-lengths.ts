import type { Template } from './template'

/** Length of each template edge in the vertex array `x` (xyz triples), in template.edges order. */
export function edgeLengths(template: Template, x: Float64Array): Float64Array {
  const { edges } = template
  const out = new Float64Array(edges.length / 2)
  for (let e = 0; e < out.length; e++) {
    const a = 3 * edges[2 * e]!
    const b = 3 * edges[2 * e + 1]!
    out[e] = Math.hypot(x[a]! - x[b]!, x[a + 1]! - x[b + 1]!, x[a + 2]! - x[b + 2]!)
  }
  return out
}

function meanOf(xs: Float64Array): number {
  let sum = 0
  for (const x of xs) sum += x
  return sum / xs.length
}

/** Adds dL/dl_e (per edge) through l_e = |x_a - x_b| into `grad`. */
function edgeBackward(template: Template, x: Float64Array, lengths: Float64Array, dl: Float64Array, grad: Float64Array): void {
  const { edges } = template
  for (let e = 0; e < lengths.length; e++) {
    const l = lengths[e]!
    if (l === 0) continue
    const a = 3 * edges[2 * e]!
    const b = 3 * edges[2 * e + 1]!
    const s = dl[e]! / l
    for (let c = 0; c < 3; c++) {
      const d = s * (x[a + c]! - x[b + c]!)
      grad[a + c]! += d
      grad[b + c]! -= d
    }
  }
}

/**
 * Edge-length uniformity of a mesh, mean_e (l_e / mean l - 1)^2: an icosphere's edges are
 * nearly equal, and the silhouette terms, which pull each vertex on its own, spread them apart
 * (METHOD §9's bird became a cloud of vertices inside its silhouettes). Keeping them even keeps
 * the vertices spread over the shape; it does not by itself stop faces folding (see
 * normal-consistency). Scale-free, so it does not fight the silhouettes over the shape's size.
 * Its gradient times `weight` is added into `grad`; returns weight * energy.
 */
export function edgeUniformityEnergy(template: Template, x: Float64Array, weight: number, grad: Float64Array | null): number {
  const lengths = edgeLengths(template, x)
  const E = lengths.length
  const mean = meanOf(lengths)
  if (mean === 0) return 0
  let energy = 0
  let coupling = 0
  for (const l of lengths) {
    const u = l / mean
    energy += (u - 1) * (u - 1)
    coupling += (u - 1) * u
  }
  energy /= E
  coupling /= E
  if (grad) {
    // d/dl_k of mean_e (u_e - 1)^2, u_e = l_e / m, m = mean l: (2 / (E m)) ((u_k - 1) - mean_e (u_e - 1) u_e).
    // The coupling equals the energy in exact arithmetic (mean_e u_e = 1); it is kept as its own sum so that
    // training reproduces the runs BENCHMARKS.md and docs/experiments report bit for bit.
    const dl = new Float64Array(E)
    const scale = (2 * weight) / (E * mean)
    for (let e = 0; e < E; e++) dl[e] = scale * (lengths[e]! / mean - 1 - coupling)
    edgeBackward(template, x, lengths, dl, grad)
  }
  return weight * energy
}

/** A shape's edge lengths and their mean: the rest state that edgePreservationEnergy measures deformations against. */
export interface RestEdges {
  lengths: Float64Array
  mean: number
}

/** Computed once per category forward pass rather than once per image. */
export function restEdges(template: Template, V0: Float64Array): RestEdges {
  const lengths = edgeLengths(template, V0)
  return { lengths, mean: meanOf(lengths) }
}

/**
 * Edge-length preservation of a deformation, mean_e ((|V_e| - |V0_e|) / mean |V0_e|)^2 with
 * V = V0 + D and `rest` = restEdges(V0): an instance may bend and stretch the category's shape
 * only as far as the other terms pay for. The gradient is taken in D alone (added into `gD` times `weight`): the term
 * measures the deformation, and moving V0 to shorten it would let the canonical shape follow
 * one image. (Where D is a field of V0's positions, as in `baseline`, some of it still reaches
 * V0 through that field.) Returns weight * energy.
 */
export function edgePreservationEnergy(template: Template, V0: Float64Array, rest: RestEdges, D: Float64Array, weight: number, gD: Float64Array | null): number {
  const V = new Float64Array(V0.length)
  for (let q = 0; q < V.length; q++) V[q] = V0[q]! + D[q]!
  const lengths = edgeLengths(template, V)
  const E = lengths.length
  const { mean } = rest
  if (mean === 0) return 0
  let energy = 0
  const dl = new Float64Array(E)
  for (let e = 0; e < E; e++) {
    const r = (lengths[e]! - rest.lengths[e]!) / mean
    energy += r * r
    dl[e] = (2 * weight * r) / (E * mean)
  }
  if (gD) edgeBackward(template, V, lengths, dl, gD)
  return (weight * energy) / E
}
