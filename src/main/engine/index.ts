/**
 * The SEMAGIC engine's public surface: everything the services, the CLI and the workers use.
 * Pure Node, no tfjs: see train/train-category.ts for why.
 */
export { fitPca, projectPca } from './pca/pca'
export type { Pca, PcaOptions } from './pca/pca'
export { createTemplate, DEFAULT_ELLIPSOID } from './template/template'
export type { Ellipsoid, Template } from './template/template'
export { icosphere, icosphereVertexCount } from './template/icosphere'
export { DEFAULT_ENGINE_CONFIG, ENGINE_VARIANTS, resolveConfig, variantSwitches } from './model/config'
export type { EngineConfig, EngineConfigInput, EngineVariant, VariantSwitches } from './model/config'
export type { CategoryModel } from './model/category-model'
export { continueTraining, resumeTraining, startTraining, trainCategory, trainStep } from './train/train-category'
export type { TrainHooks, TrainResult } from './train/train-category'
export type { TrainingData, TrainingImage } from './train/training-data'
export { deserializeModel, deserializeTrainState, serializeModel, serializeTrainState } from './train/checkpoint'
export type { ModelManifest, SerializedModel, SerializedTrainState, TrainManifest, TrainState } from './train/checkpoint'
export { fitImage, trainingFits } from './infer/fit-image'
export type { FitImageInput, FitOptions, MeshFit } from './infer/fit-image'
export { meshTransfer } from './correspondence/mesh-transfer'
export type { MeshTransferOptions } from './correspondence/mesh-transfer'
export { hybridRefine } from './correspondence/hybrid-refine'
export type { HybridOptions } from './correspondence/hybrid-refine'
