import type { RgbImage } from '../../images/rgb-image'

/**
 * A dense feature map of one image. Cell (i, j) covers input pixels
 * [j * stride, (j + 1) * stride) x [i * stride, (i + 1) * stride), so its centre is at
 * ((j + 0.5) * stride, (i + 0.5) * stride) in the crop's continuous pixel coordinates.
 * Every cell's C-vector has unit L2 norm, so a dot product is a cosine similarity.
 */
export interface FeatureMap {
  channels: number
  height: number
  width: number
  /** Input pixels per cell (may be fractional, e.g. 299 / 17). */
  stride: number
  /** C x h x w, channel-major: value (c, i, j) at data[(c * height + i) * width + j]. */
  data: Float32Array
}

export type BackboneKind = 'pretrained' | 'onnx' | 'handmade'

export interface BackboneInfo {
  id: string
  kind: BackboneKind
  /** Side of the square input the images must have. */
  inputSize: number
  channels: number
  grid: { height: number; width: number }
  stride: number
  /** What the features are read from: layer names, the ONNX output, or descriptor blocks. */
  layers: string[]
  /** Where it runs: a tfjs backend (wasm, cpu, tensorflow, tensorflow-gpu), onnx-cpu, onnx-cuda, or js. */
  backend: string
  description: string
  /** Anything the user should know about how it was set up, e.g. why CUDA was not used. */
  notes: string[]
}

export interface Backbone {
  /** The concrete id (`pretrained` resolves to the model it stands for). */
  readonly id: string
  /** Stable hash of everything that changes the output: the key of a feature cache. */
  readonly settingsHash: string
  describe(): BackboneInfo
  /** One map per image; every image must be inputSize x inputSize (see images/crop-square). */
  extract(images: RgbImage[]): Promise<FeatureMap[]>
  dispose(): void
}

export interface BackboneOptions {
  /** Square input side in pixels (a multiple of the patch for ViTs). */
  size?: number
  /** Pretrained CNNs: the layers whose activations form the hypercolumn. */
  layers?: string[]
  /** ONNX: which output to read, by name (default: the first). */
  output?: string
  /** ONNX: execution providers in order of preference (default ['cuda', 'cpu']). */
  providers?: string[]
  /** ONNX: pixel normalisation (default imagenet). */
  normalization?: 'imagenet' | 'unit'
}

/** Where and how a backbone runs: nothing here changes its output, so none of it is hashed. */
export interface BackboneRuntime {
  /** Folder for models converted at first use (the workspace's cache/models); a temp folder when absent. */
  modelDir?: string
  /** onnxruntime intra-op threads per backbone (default: all cores). */
  threads?: number
  /** onnxruntime's execution providers, best first, unless the backbone's options name them (default ['cuda', 'cpu']; see onnxProvidersFor). */
  providers?: string[]
  /** What runs the shipped CNNs (default onnx, see create-backbone.ts; $SEMAGIC_PRETRAINED_RUNTIME overrides). */
  pretrained?: 'onnx' | 'tfjs'
}
