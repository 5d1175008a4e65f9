import type { Ellipsoid } from '../template/template'
import { ANGLES_PER_PART } from './rig'
import { LIMB_BONES, MIN_SPINE_BONES } from './skeleton'

/** METHOD §5: the four variants are two switches of one code path. */
export type EngineVariant = 'baseline' | 'semagic-i' | 'semagic-ii' | 'semagic'

export const ENGINE_VARIANTS: readonly EngineVariant[] = ['baseline', 'semagic-i', 'semagic-ii', 'semagic']

export interface VariantSwitches {
  /**
   * (ii) The instance deformation may differ per vertex: a learned per-vertex basis B_i (the
   * simplest form of conditioning on the vertex index, METHOD §9). Off: B_i = G(gamma(V0_i)), an
   * MLP of the canonical position only, so two vertices at one position move alike.
   */
  vertexDeformation: boolean
  /**
   * (i) Each vertex carries its own learned feature Phi_i, compared with the image feature under
   * its projection. Off: the compared feature is a field f(gamma(V_i)) of the deformed position
   * (as MagicPony and 3D-Fauna render theirs), so no vertex is tied to a meaning.
   */
  vertexFeatures: boolean
}

export function variantSwitches(variant: EngineVariant): VariantSwitches {
  switch (variant) {
    case 'baseline':
      return { vertexDeformation: false, vertexFeatures: false }
    case 'semagic-i':
      return { vertexDeformation: false, vertexFeatures: true }
    case 'semagic-ii':
      return { vertexDeformation: true, vertexFeatures: false }
    case 'semagic':
      return { vertexDeformation: true, vertexFeatures: true }
    default:
      throw new RangeError(`unknown engine variant '${String(variant)}'`)
  }
}

export interface LossWeightsConfig {
  /** Distance-to-mask squared at every projected vertex. */
  dt: number
  /** Chamfer squared from sampled foreground pixels to the nearest visible projected vertex. */
  chamfer: number
  /** Feature term once its ramp is over. */
  feature: number
  /**
   * Face-based silhouette of the kept view (losses/soft-silhouette), 0 off: issue 23's lever for
   * thin parts, which the vertex terms above cannot see between vertices.
   */
  softSilhouette: number
  laplacianShape: number
  laplacianDeformation: number
  /** Edge-length uniformity of V0 (template/edge-lengths). */
  edgeShape: number
  /** Edge-length preservation of each instance against V0 (template/edge-lengths). */
  edgeDeformation: number
  /** Normal consistency of V0's neighbouring faces (template/normal-consistency). */
  normalShape: number
  /** mean |B z|^2 */
  deformation: number
  /** |z|^2 */
  code: number
  /** |part angles|^2 per image (with articulation on). */
  articulation: number
}

export interface LearningRates {
  camera: number
  code: number
  shape: number
  /** The per-vertex basis B (ii). */
  basis: number
  /** The per-vertex features Phi (i). */
  features: number
  /** The position-only deformation field's MLP. */
  deformationField: number
  /** The feature field's MLP. */
  featureField: number
}

/** A coordinate MLP over the harmonic encoding of a position. */
export interface FieldConfig {
  frequencies: number
  hidden: number[]
}

export interface EngineConfig {
  variant: EngineVariant
  steps: number
  seed: number
  /** Icosphere subdivisions: 3 -> 642 vertices, 4 -> 2562. */
  templateLevel: number
  /**
   * Starting ellipsoid (lateral, up, forward); 'mask-aspect' takes up/forward from the training
   * masks' boxes, 'mask-extent' the lateral axis too (initialisation.ellipsoidFromBoxes).
   */
  ellipsoid: Ellipsoid | 'mask-aspect' | 'mask-extent'
  /**
   * An OBJ file (model frame: +x left, +y up, +z forward) whose outline the template starts on in
   * place of the ellipsoid (METHOD §3's category template mesh; template/shrink-wrap), or null.
   * Off: resources/templates/car.obj left the car's frames split (docs/experiments/start-mesh.md).
   */
  startMesh: string | null
  batchSize: number
  /** Camera hypotheses per image, evenly spaced in azimuth. */
  hypotheses: number
  initialElevation: number
  /** Dimension of the instance code z. */
  codeDims: number
  lr: LearningRates
  weights: LossWeightsConfig
  /** Fraction of the steps over which the feature weight ramps from 0 to its value. */
  featureWeightRamp: number
  chamferSamples: number
  /**
   * z-buffer side over the crop, and the depth tolerance in z-buffer pixels: a vertex is visible
   * when it is no deeper than the rasterised surface at its pixel plus this many pixels' worth
   * of model units (a vertex lies on a face whose depth changes across the pixel; steep faces
   * near the outline change most, and the facing test removes the back side anyway).
   */
  visibility: { grid: number; tolerancePixels: number }
  /**
   * Turn the training images' cameras into one front-back frame a third and two thirds of the
   * way through (train/frame-sync): issue 23's lever for near-symmetric objects such as the car.
   */
  frameSync: boolean
  /**
   * Weight of the viewpoint prior (train/viewpoint-prior), 0 off: an image's hypotheses are
   * compared by loss x (1 + weight x their azimuth's disagreement, 0 to 1, with the azimuths
   * its look-alike training images kept), issue 23's lever for near-symmetric objects. Off: over
   * seeds 0-2 at 0.3 the car's val mesh transfer fell (17.3 against 18.4) and the mean of
   * categories stayed level (docs/experiments/viewpoint-prior.md).
   */
  viewpointPrior: number
  /**
   * Where the viewpoint prior's azimuth comes from: the look-alikes' kept azimuths, or a ridge
   * regression from the image's descriptor fitted on the other images' (train/viewpoint-prior);
   * at seed 0 the regression too lowered the car's val transfer (16.3-17.8 against 19.1 at
   * weights 0.3 to 10; docs/experiments/viewpoint-prior.md).
   */
  viewpointSource: 'look-alikes' | 'regression'
  /** Score each hypothesis against its mirror camera and switch to the mirror when it fits better. */
  mirrorScoring: boolean
  /**
   * Lambda of the large-steps update of the canonical shape (train/large-steps: Nicolet et al.
   * 2021, the shape optimised as (I + lambda L) x with uniform Adam), 0 for the per-vertex Adam
   * of the other parameters: issue 23's lever for a template that grows thin parts and stays smooth.
   * Off: through `semagic bench` over seeds 0-2 at lambda 1 with lr.shape 0.15 (a run's `largeSteps`),
   * the mean of categories stays level within the seeds' spread on val (hybrid 39.4 against 39.0)
   * and on test (33.7 against 34.0), and one bird seed of three falls far below the default
   * (docs/experiments/large-steps.md).
   */
  largeSteps: number
  /**
   * The same update's lambda for the per-vertex deformation basis (each of its K columns a field
   * like the shape), 0 off. Off: with the shape's at lambda 1 it lowered val at seed 0 (bird mesh
   * 27.7-30.0 against 33.2; docs/experiments/large-steps.md).
   */
  largeStepsBasis: number
  /**
   * Photographs look at objects from above far more often than from below. A hypothesis and its
   * mirror camera project the same silhouette with opposite elevations (camera/view-camera), and
   * the backbone's features do not tell left from right, so without a cue the pair is a coin
   * toss. When the hypothesis' elevation is at least this many radians from level, the one looking
   * from above is kept; nearer level (or null) the features decide, as before.
   */
  preferAbove: number | null
  deformationField: FieldConfig
  featureField: FieldConfig
  /**
   * Part articulation (METHOD §3, model/articulation): the template's vertices in `parts`
   * clusters, each rotated per image about its joint after the deformation; 0 is off. The
   * angles are per-image parameters like the code, stored after it in the image's code row.
   * With rig 'skeleton' the parts are bones in chains (model/skeleton): `parts` spine bones
   * (even, at least 4) and LIMB_BONES more for four legs and two wings. Not a default: with 8 spine bones
   * val fell on the mean of categories over seeds 0-2 (mesh transfer 27.2 against 28.9, the bird
   * level; docs/experiments/skeleton-articulation.md).
   */
  articulation: { parts: number; rig: 'clusters' | 'skeleton' }
  /**
   * Weight of the image's colour in the feature term (appearance/colour-channels): 0 is off; W > 0
   * appends the crop's standardised Lab colour, averaged onto the feature grid and scaled by
   * sqrt(W), as three channels to every image's features in training and fitting, so that the
   * features the model learns (per vertex, or its field) carry colour too, the cue MagicPony's
   * appearance reconstruction gives it to tell a car's front (pale headlights) from its back (red
   * taillights), which the backbone's features and the silhouette leave open.
   */
  appearance: number
}

/**
 * METHOD §9's recipe, measured on a compact animal, and what it lacked: cameras look from above
 * (preferAbove, 0.05 rad), which lifted `semagic` on the synthetic quadruped from 31.4 to 36.3
 * PCK@0.1 at seed 0 (docs/experiments/camera-from-above.md); METHOD §4's edge-length
 * regularisers (weight 10 each), which lifted semagic by 0.5 and baseline by 0.7 points on the
 * mean of categories over 3 seeds (docs/experiments/edge-length-regularisers.md). Normal
 * consistency stays off: it unfolded the canonical shapes without adding to the edges' gain.
 * Articulation is off by default (a flag of its own); its angles' weight, 1, was chosen on val
 * at seed 0 from 0.1, 1 and 10 with 6 parts (docs/experiments/articulation.md). The appearance
 * term is off by default: at 0.3 and 1 it scored below the engine without it on the car's val at
 * seed 0 (mesh 17.5 and 18.0 against 19.1; docs/experiments/appearance-term.md).
 */
export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  variant: 'semagic',
  steps: 600,
  seed: 0,
  templateLevel: 3,
  ellipsoid: [0.35, 0.7, 1.0],
  startMesh: null,
  batchSize: 24,
  hypotheses: 8,
  initialElevation: 0.2,
  codeDims: 8,
  lr: { camera: 0.02, code: 0.01, shape: 0.005, basis: 0.005, features: 0.03, deformationField: 0.005, featureField: 0.03 },
  weights: { dt: 10, chamfer: 10, feature: 1, softSilhouette: 0, laplacianShape: 2, laplacianDeformation: 2, edgeShape: 10, edgeDeformation: 10, normalShape: 0, deformation: 0.1, code: 1e-3, articulation: 1 },
  featureWeightRamp: 0.3,
  chamferSamples: 96,
  visibility: { grid: 32, tolerancePixels: 2.5 },
  frameSync: false,
  viewpointPrior: 0,
  viewpointSource: 'look-alikes',
  mirrorScoring: true,
  largeSteps: 0,
  largeStepsBasis: 0,
  preferAbove: 0.05,
  deformationField: { frequencies: 6, hidden: [64] },
  featureField: { frequencies: 6, hidden: [64] },
  articulation: { parts: 0, rig: 'clusters' },
  appearance: 0,
}

/**
 * The canonical shape's learning rate that goes with the large-steps update. Uniform Adam moves
 * the shape by about its rate a step, and at the per-vertex default (0.005) lambda 1 barely moves
 * it; 0.15 was chosen with lambda 1 on the bird's val at seed 0 (docs/experiments/large-steps.md).
 */
export const LARGE_STEPS_SHAPE_RATE = 0.15

/** Training a category, or fitting images with a trained one (which uses only the per-image loss). */
export type EngineWork = 'training' | 'fitting'

/**
 * The first setting of `config` that `work` needs and the GPU engine has no kernels for, said
 * for a message, or null when the GPU engine runs all of it (gpu/engine-support chooses the
 * device by it, and the training loop refuses the resident trainer by it).
 */
export function cpuOnlySetting(config: EngineConfig, work: EngineWork): string | null {
  const soft = config.weights.softSilhouette
  if (soft > 0) return `the face-based silhouette (weights.softSilhouette ${soft}) runs on the CPU engine only`
  // A fit steps only its image's camera and code: the category's updates and frames are training's.
  if (work === 'fitting') return null
  if (config.largeSteps > 0 || config.largeStepsBasis > 0) return `the large-steps update (largeSteps ${config.largeSteps}, largeStepsBasis ${config.largeStepsBasis}) runs on the CPU engine only`
  return config.frameSync ? 'frame synchronisation (frameSync) runs on the CPU engine only' : null
}

/** Most articulated parts a configuration may ask for. */
export const MAX_ARTICULATION_PARTS = 32

/** The rig's parts: the clusters, or a skeleton's bones (its spine's and its limbs'); 0 without articulation. */
export function articulatedParts(config: EngineConfig): number {
  const { parts, rig } = config.articulation
  return parts > 0 && rig === 'skeleton' ? parts + LIMB_BONES : parts
}

/** Values per image in the codes' rows: the code z, then three angles per articulated part. */
export function instanceSize(config: EngineConfig): number {
  return config.codeDims + ANGLES_PER_PART * articulatedParts(config)
}

/** The weights of the per-view loss (losses/view-loss), the feature term's at `feature` (during its ramp, or as a probe sets it). */
export function viewLossWeights(config: EngineConfig, feature = config.weights.feature): { dt: number; chamfer: number; feature: number } {
  return { dt: config.weights.dt, chamfer: config.weights.chamfer, feature }
}

export type EngineConfigInput = Partial<Omit<EngineConfig, 'lr' | 'weights' | 'visibility' | 'deformationField' | 'featureField' | 'articulation'>> & {
  lr?: Partial<LearningRates>
  weights?: Partial<LossWeightsConfig>
  visibility?: Partial<EngineConfig['visibility']>
  deformationField?: Partial<FieldConfig>
  featureField?: Partial<FieldConfig>
  articulation?: Partial<EngineConfig['articulation']>
}

export function resolveConfig(input: EngineConfigInput = {}): EngineConfig {
  const d = DEFAULT_ENGINE_CONFIG
  const config: EngineConfig = {
    ...d,
    ...input,
    lr: { ...d.lr, ...input.lr },
    weights: { ...d.weights, ...input.weights },
    visibility: { ...d.visibility, ...input.visibility },
    deformationField: { ...d.deformationField, ...input.deformationField },
    featureField: { ...d.featureField, ...input.featureField },
    articulation: { ...d.articulation, ...input.articulation },
  }
  variantSwitches(config.variant)
  const positiveInts: [string, number][] = [
    ['steps', config.steps],
    ['batchSize', config.batchSize],
    ['hypotheses', config.hypotheses],
    ['codeDims', config.codeDims],
    ['chamferSamples', config.chamferSamples],
    ['visibility.grid', config.visibility.grid],
  ]
  for (const [name, v] of positiveInts) if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`)
  const { parts, rig } = config.articulation
  if (!(Number.isInteger(parts) && parts >= 0 && parts <= MAX_ARTICULATION_PARTS)) throw new RangeError(`articulation.parts must be an integer in [0, ${MAX_ARTICULATION_PARTS}] (0 is off), got ${String(parts)}`)
  if (rig !== 'clusters' && rig !== 'skeleton') throw new RangeError(`articulation.rig must be 'clusters' or 'skeleton', got ${JSON.stringify(rig)}`)
  if (rig === 'skeleton' && parts > 0 && (parts % 2 !== 0 || parts < MIN_SPINE_BONES)) throw new RangeError(`articulation.parts is a skeleton's spine bones, which must be even (a chain each way from the middle) and at least ${MIN_SPINE_BONES}, got ${parts}`)
  const vertices = 10 * 4 ** config.templateLevel + 2
  if (parts > vertices) throw new RangeError(`articulation.parts is ${parts}, more than the ${vertices} vertices of a level-${config.templateLevel} template`)
  const e = config.ellipsoid
  if (!(e === 'mask-aspect' || e === 'mask-extent' || (Array.isArray(e) && e.length === 3 && e.every((a) => typeof a === 'number' && Number.isFinite(a) && a > 0)))) {
    throw new RangeError(`ellipsoid must be three positive semi-axes (lateral, up, forward), 'mask-aspect' or 'mask-extent', got ${JSON.stringify(e)}`)
  }
  if (config.startMesh !== null && !(typeof config.startMesh === 'string' && config.startMesh.length > 0)) throw new RangeError(`startMesh must be null or an OBJ file's path, got ${JSON.stringify(config.startMesh)}`)
  if (config.startMesh !== null && parts > 0) throw new RangeError('startMesh with articulation is not supported: the parts are clustered on the ellipsoid a restored model is rebuilt from')
  if (!Number.isSafeInteger(config.seed)) throw new RangeError(`seed must be an integer, got ${config.seed}`)
  if (!(typeof config.appearance === 'number' && Number.isFinite(config.appearance) && config.appearance >= 0)) throw new RangeError(`appearance must be a non-negative number (0 is off), got ${String(config.appearance)}`)
  if (!(typeof config.viewpointPrior === 'number' && Number.isFinite(config.viewpointPrior) && config.viewpointPrior >= 0)) throw new RangeError(`viewpointPrior must be a non-negative number (0 is off), got ${String(config.viewpointPrior)}`)
  for (const key of ['largeSteps', 'largeStepsBasis'] as const) {
    const v = config[key]
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new RangeError(`${key} must be a non-negative number (0 is off), got ${String(v)}`)
  }
  if (config.largeStepsBasis > 0 && !variantSwitches(config.variant).vertexDeformation) throw new RangeError(`largeStepsBasis smooths the per-vertex deformation basis, which variant '${config.variant}' does not have (its deformation is a field)`)
  if (config.viewpointSource !== 'look-alikes' && config.viewpointSource !== 'regression') throw new RangeError(`viewpointSource must be 'look-alikes' or 'regression', got ${JSON.stringify(config.viewpointSource)}`)
  if (config.preferAbove !== null && !(typeof config.preferAbove === 'number' && config.preferAbove >= 0 && config.preferAbove < Math.PI / 2)) throw new RangeError(`preferAbove must be null or an angle in [0, pi/2) radians, got ${config.preferAbove}`)
  // A negative weight would reward what the term penalises (and the optional terms read <= 0 as off).
  for (const [group, values] of [['weights', config.weights], ['lr', config.lr]] as const) {
    for (const [key, v] of Object.entries(values)) if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new RangeError(`${group}.${key} must be a non-negative number, got ${String(v)}`)
  }
  if (!(config.featureWeightRamp >= 0 && config.featureWeightRamp <= 1)) throw new RangeError(`featureWeightRamp must be in [0, 1], got ${config.featureWeightRamp}`)
  return config
}
