import { Param } from '../math/adam'
import { fourierBackward, fourierEncode, fourierSize } from '../math/fourier'
import { createMlp, mlpBackward, mlpForward, mlpParams } from '../math/mlp'
import type { Mlp, MlpTape } from '../math/mlp'
import type { SeededRandom } from '../math/seeded-random'
import type { Pca } from '../pca/pca'
import { meshView } from '../losses/view-loss'
import type { ViewShape } from '../losses/view-loss'
import { restEdges } from '../template/edge-lengths'
import type { RestEdges } from '../template/edge-lengths'
import { symmetrise } from '../template/symmetry'
import { createTemplate } from '../template/template'
import type { Ellipsoid, Template } from '../template/template'
import { articulate, articulateBackward, articulationRig, mirrorAngles } from './articulation'
import { ANGLES_PER_PART } from './rig'
import type { ArticulationRig, ArticulationTape } from './articulation'
import { skeletonRig } from './skeleton'
import { instanceSize, variantSwitches } from './config'
import type { EngineConfig } from './config'

/**
 * What one category learns (METHOD §3): a canonical shape V0 = sym(P), kept bilaterally
 * symmetric by construction; a symmetric deformation basis B (N x 3 x K), per vertex (ii) or a
 * field of the canonical position; the features each vertex is compared with, per vertex (i) or
 * a field of the deformed position. An instance is V = V0 + B z, posed by its part angles when
 * articulation is on (model/articulation).
 */
export interface CategoryModel {
  config: EngineConfig
  ellipsoid: Ellipsoid
  channels: number
  template: Template
  shape: Param
  basis: Param | null
  deformationField: Mlp | null
  features: Param | null
  featureField: Mlp | null
  /** The PCA that turns raw backbone maps into the model's channels, when training was given raw maps. */
  pca: Pca | null
  /** The parts and skinning weights, with articulation on (derived from the template, not learned). */
  rig: ArticulationRig | null
}

export function createCategoryModel(config: EngineConfig, channels: number, ellipsoid: Ellipsoid, rng: SeededRandom, pca: Pca | null): CategoryModel {
  const template = createTemplate(config.templateLevel, ellipsoid)
  const n = template.vertexCount
  const K = config.codeDims
  const { vertexDeformation, vertexFeatures } = variantSwitches(config.variant)
  const shape = new Param('shape', Float32Array.from(template.rest), config.lr.shape)
  const basis = vertexDeformation ? new Param('basis', new Float32Array(n * 3 * K), config.lr.basis) : null
  const deformationField = vertexDeformation
    ? null
    : createMlp({
        name: 'deformationField',
        sizes: [fourierSize(config.deformationField.frequencies), ...config.deformationField.hidden, 3 * K],
        lr: config.lr.deformationField,
        rng,
        // Starts as B = 0, like the per-vertex basis.
        zeroOutput: true,
      })
  let features: Param | null = null
  if (vertexFeatures) {
    const phi = new Float32Array(n * channels)
    for (let q = 0; q < phi.length; q++) phi[q] = rng.normal() / Math.sqrt(channels)
    features = new Param('features', phi, config.lr.features)
  }
  const featureField = vertexFeatures
    ? null
    : createMlp({
        name: 'featureField',
        sizes: [fourierSize(config.featureField.frequencies), ...config.featureField.hidden, channels],
        lr: config.lr.featureField,
        rng,
      })
  const { parts, rig: kind } = config.articulation
  const rig = parts === 0 ? null : kind === 'skeleton' ? skeletonRig(template, parts) : articulationRig(template, parts)
  return { config, ellipsoid, channels, template, shape, basis, deformationField, features, featureField, pca, rig }
}

/** Every learned tensor of the category, in a fixed order (the checkpoint's). */
export function categoryParams(model: CategoryModel): Param[] {
  return [
    model.shape,
    ...(model.basis ? [model.basis] : []),
    ...(model.deformationField ? mlpParams(model.deformationField) : []),
    ...(model.features ? [model.features] : []),
    ...(model.featureField ? mlpParams(model.featureField) : []),
  ]
}

/** The category's shared quantities for one step. */
export interface CategoryShape {
  V0: Float64Array
  /** Symmetrised basis, (vertex, xyz, k). */
  B: Float64Array
  /** Per-vertex features (i); null with a feature field. */
  Phi: Float64Array | null
  deformationTape: MlpTape | null
  /** V0's edges, the rest state of the edge-preservation regulariser. */
  rest: RestEdges
}

export function categoryForward(model: CategoryModel): CategoryShape {
  const { template } = model
  const n = template.vertexCount
  const K = model.config.codeDims
  const V0 = symmetrise(template, model.shape.value)
  let B: Float64Array
  let deformationTape: CategoryShape['deformationTape'] = null
  if (model.basis) {
    B = symmetrise(template, model.basis.value, K)
  } else {
    const encoded = fourierEncode(V0, n, model.config.deformationField.frequencies)
    const { out, tape } = mlpForward(model.deformationField!, encoded, n)
    B = symmetrise(template, out, K)
    deformationTape = tape
  }
  const Phi = model.features ? Float64Array.from(model.features.value) : null
  return { V0, B, Phi, deformationTape, rest: restEdges(template, V0) }
}

/** Accumulates dL/dV0 and dL/dB (of the symmetrised quantities) into the category's parameters. */
export function categoryBackward(model: CategoryModel, shape: CategoryShape, gV0: Float64Array, gB: Float64Array): void {
  const { template } = model
  const K = model.config.codeDims
  if (model.basis) {
    addInto(model.basis.grad, symmetrise(template, gB, K))
  } else {
    const dEncoded = mlpBackward(model.deformationField!, shape.deformationTape!, symmetrise(template, gB, K))
    fourierBackward(shape.V0, template.vertexCount, model.config.deformationField.frequencies, dEncoded, gV0)
  }
  addInto(model.shape.grad, symmetrise(template, gV0))
}

/**
 * One image's mesh V = V0 + D, posed when articulation is on, and the features its vertices
 * are compared with (a feature field reads the unposed V: the pose moves parts, not what they are).
 */
export interface Instance {
  /** D = B z, the deformation. */
  D: Float64Array
  /** V = V0 + D before the pose; the view's vertices are the posed ones. */
  V: Float64Array
  view: ViewShape
  featureTape: MlpTape | null
  articulationTape: ArticulationTape | null
}

/**
 * `z` holds the image's code row from `zOffset`: the code, then the part angles (instanceSize(config) values).
 * `fieldElsewhere` leaves a feature field out (the GPU engine evaluates it on the device): the
 * view then carries no features.
 */
export function instanceForward(model: CategoryModel, shape: CategoryShape, z: ArrayLike<number>, zOffset = 0, fieldElsewhere = false): Instance {
  const n = model.template.vertexCount
  const K = model.config.codeDims
  const { V0, B } = shape
  const D = new Float64Array(3 * n)
  for (let q = 0; q < 3 * n; q++) {
    let s = 0
    for (let k = 0; k < K; k++) s += B[q * K + k]! * z[zOffset + k]!
    D[q] = s
  }
  const V = new Float64Array(3 * n)
  for (let q = 0; q < 3 * n; q++) V[q] = V0[q]! + D[q]!
  let features = shape.Phi
  let featureTape: MlpTape | null = null
  const channels = features || !fieldElsewhere ? model.channels : 0
  if (!features && fieldElsewhere) {
    features = new Float64Array(0)
  } else if (!features) {
    const { out, tape } = mlpForward(model.featureField!, fourierEncode(V, n, model.config.featureField.frequencies), n)
    features = out
    featureTape = tape
  }
  if (!model.rig) return { D, V, view: meshView(V, model.template.faces, features, channels), featureTape, articulationTape: null }
  if (z.length < zOffset + K + ANGLES_PER_PART * model.rig.parts) throw new RangeError(`instanceForward: the code row has no angles for ${model.rig.parts} articulated parts`)
  const { posed, tape } = articulate(model.rig, V, z, zOffset + K)
  return { D, V, view: meshView(posed, model.template.faces, features, channels), featureTape, articulationTape: tape }
}

/**
 * The instance a mirror camera must see to show the same silhouette (camera/view-camera
 * mirrorCamera): the same one when it is symmetric, the mirror-posed one with articulation on.
 */
export function mirrorInstance(model: CategoryModel, shape: CategoryShape, inst: Instance, z: ArrayLike<number>, zOffset = 0, fieldElsewhere = false): { inst: Instance; row: Float64Array } {
  const row = Float64Array.from({ length: instanceSize(model.config) }, (_, k) => z[zOffset + k]!)
  if (!model.rig) return { inst, row }
  mirrorAngles(model.rig, row, model.config.codeDims, row, model.config.codeDims)
  return { inst: instanceForward(model, shape, row, 0, fieldElsewhere), row }
}

export interface InstanceGrads {
  /**
   * dL/d(the view's vertices), dL/dD from the deformation regularisers, dL/d(vertex features).
   * On return gV holds dL/dV of the unposed instance, the feature field's path included.
   */
  gV: Float64Array
  gD: Float64Array
  gQ: Float64Array
  /** Accumulators for the category (null when it is frozen) and for the code row (code, then angles). */
  category: { gV0: Float64Array; gB: Float64Array } | null
  gz: Float64Array
  gzOffset: number
  /**
   * dL/d(the feature field's encoded input) when the field's backward pass ran elsewhere (the GPU
   * engine, which also accumulated its weight gradients); gQ is then not read.
   */
  fieldInput?: Float64Array
}

/**
 * Back through the pose, V = V0 + B z and the feature field at V. With a frozen category only
 * the code row receives gradients.
 */
export function instanceBackward(model: CategoryModel, shape: CategoryShape, inst: Instance, z: ArrayLike<number>, zOffset: number, grads: InstanceGrads): void {
  const n = model.template.vertexCount
  const K = model.config.codeDims
  const { gV, gD, gQ, category, gz, gzOffset } = grads
  if (model.rig && inst.articulationTape) {
    const unposed = new Float64Array(3 * n)
    articulateBackward(model.rig, inst.V, inst.articulationTape, gV, unposed, gz, gzOffset + K)
    gV.set(unposed)
  }
  if (grads.fieldInput) {
    fourierBackward(inst.V, n, model.config.featureField.frequencies, grads.fieldInput, gV)
  } else if (inst.featureTape) {
    const dEncoded = mlpBackward(model.featureField!, inst.featureTape, gQ, category !== null)
    fourierBackward(inst.V, n, model.config.featureField.frequencies, dEncoded, gV)
  } else if (category) {
    addInto(model.features!.grad, gQ)
  }
  const B = shape.B
  for (let q = 0; q < 3 * n; q++) {
    const gv = gV[q]!
    const g = gv + gD[q]!
    if (category) {
      category.gV0[q]! += gv
      for (let k = 0; k < K; k++) category.gB[q * K + k]! += g * z[zOffset + k]!
    }
    if (g === 0) continue
    for (let k = 0; k < K; k++) gz[gzOffset + k]! += g * B[q * K + k]!
  }
}

function addInto(dst: Float64Array, src: ArrayLike<number>): void {
  for (let q = 0; q < src.length; q++) dst[q]! += src[q]!
}
