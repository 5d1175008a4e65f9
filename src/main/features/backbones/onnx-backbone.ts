import { basename } from 'node:path'
import type { InferenceSession } from 'onnxruntime-node'
import { Tensor } from 'onnxruntime-node'
import type { RgbImage } from '../../images/rgb-image'
import { assertSquareInputs } from '../../images/rgb-image'
import { unitFeatureMap } from './feature-map'
import { openOnnxSession } from './onnx-session'
import { settingsHash } from './settings-hash'
import type { Backbone, BackboneInfo, FeatureMap } from './types'

const ALGORITHM_VERSION = 1
/** DINOv2's patch side; token outputs are read as a grid of these. */
const PATCH = 14
/** CLS plus up to this many register tokens may precede the patch tokens (DINOv2-reg has 4). */
const MAX_EXTRA_TOKENS = 16
const DEFAULT_SIZE = 224
const BATCH = 4
const IMAGENET_MEAN = [0.485, 0.456, 0.406]
const IMAGENET_STD = [0.229, 0.224, 0.225]

export interface OnnxBackboneOptions {
  size?: number
  output?: string
  providers?: string[]
  normalization?: 'imagenet' | 'unit'
  /** Refuse files larger than this (default 2 GiB). */
  maxBytes?: number
  /** Pixel scaling from the model's own preprocessor config; replaces `normalization`. */
  pixels?: { rescale: number; mean: readonly number[]; std: readonly number[] }
  /** The name the backbone is known by (an `hf:` name); the path when not given. */
  id?: string
  /** onnxruntime intra-op threads (default: all cores). */
  threads?: number
}

type TensorMeta = InferenceSession.ValueMetadata

function showMeta(m: TensorMeta): string {
  return m.isTensor ? `${m.name} ${m.type} [${m.shape.join(', ')}]` : `${m.name} (not a tensor)`
}

/**
 * The model's image input: the float32 input of rank 4, read as NCHW with 3 channels. A model
 * that needs other inputs too cannot be fed from images alone.
 */
function pickInput(path: string, inputs: readonly TensorMeta[]): TensorMeta & { isTensor: true } {
  const image = inputs.find((m): m is TensorMeta & { isTensor: true } => m.isTensor && m.type === 'float32' && m.shape.length === 4)
  if (!image) {
    throw new Error(`${path}: no 4-D float input to feed images to (inputs: ${inputs.map(showMeta).join('; ') || 'none'})`)
  }
  const others = inputs.filter((m) => m !== image)
  if (others.length > 0) {
    throw new Error(`${path}: inputs other than ${image.name} cannot be fed from images: ${others.map(showMeta).join('; ')}`)
  }
  const channels = image.shape[1]
  if (typeof channels === 'number' && channels !== 3) {
    throw new Error(`${path}: input ${image.name} has ${channels} channels at dim 1; expected NCHW with 3 (RGB)`)
  }
  return image
}

function pickSize(path: string, input: TensorMeta & { isTensor: true }, requested: number | undefined): number {
  const [, , h, w] = input.shape
  const fixed = typeof h === 'number' && typeof w === 'number' ? [h, w] : null
  if (fixed && fixed[0] !== fixed[1]) throw new Error(`${path}: input ${input.name} is fixed at ${h} x ${w}; only square inputs are supported`)
  const size = requested ?? fixed?.[0] ?? DEFAULT_SIZE
  if (!Number.isInteger(size) || size < 1) throw new Error(`${path}: input size must be a positive integer, got ${size}`)
  if (fixed && fixed[0] !== size) throw new Error(`${path}: input ${input.name} is fixed at ${h} x ${w}; size ${size} cannot be fed`)
  return size
}

interface Layout {
  kind: 'tokens' | 'map'
  channels: number
  grid: number
  stride: number
  /** Tokens before the patches (CLS, registers), dropped. */
  extra: number
}

/** Reads the output shape of a 1-image run as either ViT tokens or a conv map. */
function layoutOf(path: string, output: string, dims: readonly number[], size: number): Layout {
  if (dims.length === 3) {
    if (size % PATCH !== 0) throw new Error(`${path}: input size ${size} is not a multiple of the ViT patch ${PATCH}`)
    const grid = size / PATCH
    const [, tokens, channels] = dims as [number, number, number]
    const extra = tokens - grid * grid
    if (extra < 0 || extra > MAX_EXTRA_TOKENS) {
      throw new Error(
        `${path}: output ${output} has ${tokens} tokens, which is not a ${grid} x ${grid} grid of patch-${PATCH} tokens plus CLS/registers`,
      )
    }
    return { kind: 'tokens', channels, grid, stride: PATCH, extra }
  }
  if (dims.length === 4) {
    const [, channels, h, w] = dims as [number, number, number, number]
    if (h !== w) throw new Error(`${path}: output ${output} is a ${h} x ${w} map; a square input should give a square one`)
    return { kind: 'map', channels, grid: w, stride: size / w, extra: 0 }
  }
  throw new Error(
    `${path}: output ${output} has rank ${dims.length} [${dims.join(', ')}]; supported are 3 (tokens [B, N, C]) and 4 (maps [B, C, h, w])`,
  )
}

/**
 * A frozen backbone exported to ONNX: a Hugging Face DINOv2 export (`pixel_values` ->
 * `last_hidden_state` tokens; CLS and register tokens are dropped by count) or any net whose
 * output is an NCHW feature map.
 */
export async function loadOnnxBackbone(path: string, options: OnnxBackboneOptions = {}): Promise<Backbone> {
  const normalization = options.normalization ?? 'imagenet'
  const id = options.id ?? path
  const pixels = options.pixels ?? {
    rescale: 1 / 255,
    mean: normalization === 'imagenet' ? IMAGENET_MEAN : [0, 0, 0],
    std: normalization === 'imagenet' ? IMAGENET_STD : [1, 1, 1],
  }
  const opened = await openOnnxSession(path, options.providers ?? ['cuda', 'cpu'], options.maxBytes, options.threads)
  const { session } = opened
  const fail = (error: Error): never => {
    void session.release().catch(() => undefined)
    throw error
  }
  let input: TensorMeta & { isTensor: true }
  let size: number
  try {
    input = pickInput(path, session.inputMetadata)
    size = pickSize(path, input, options.size)
  } catch (error) {
    return fail(error as Error)
  }
  const output = options.output ?? session.outputNames[0]!
  const meta = session.outputMetadata.find((m) => m.name === output)
  if (!meta) return fail(new Error(`${path}: no output named ${output} (outputs: ${session.outputNames.join(', ')})`))
  if (meta.isTensor && meta.type !== 'float32') return fail(new Error(`${path}: output ${output} is ${meta.type}; float32 is required`))
  if (meta.isTensor && meta.shape.length > 0 && meta.shape.length !== 3 && meta.shape.length !== 4) {
    return fail(new Error(`${path}: output ${output} has rank ${meta.shape.length} [${meta.shape.join(', ')}]; supported are 3 (tokens [B, N, C]) and 4 (maps [B, C, h, w])`))
  }
  const batchLimit = typeof input.shape[0] === 'number' ? input.shape[0] : BATCH

  const run = async (images: RgbImage[]): Promise<Tensor> => {
    const n = images.length
    const plane = size * size
    const data = new Float32Array(n * 3 * plane)
    images.forEach((img, b) => {
      for (let c = 0; c < 3; c++) {
        const mean = pixels.mean[c]!
        const std = pixels.std[c]!
        const o = (b * 3 + c) * plane
        for (let p = 0; p < plane; p++) data[o + p] = (img.data[p * 3 + c]! * pixels.rescale - mean) / std
      }
    })
    const result = await session.run({ [input.name]: new Tensor('float32', data, [n, 3, size, size]) }, [output])
    return result[output] as Tensor
  }

  let layout: Layout
  try {
    const probe = await run([{ width: size, height: size, data: new Uint8Array(size * size * 3) }])
    layout = layoutOf(path, output, probe.dims, size)
  } catch (error) {
    const e = error as Error
    return fail(e.message.startsWith(path) ? e : new Error(`${path}: the model failed on a 1 x 3 x ${size} x ${size} input: ${e.message}`))
  }

  const backend = `onnx-${opened.providers[0]}`
  const scaling = options.pixels
    ? `mean ${pixels.mean.join('/')} std ${pixels.std.join('/')} (preprocessor_config.json)`
    : `${normalization} normalisation`
  const info: BackboneInfo = {
    id,
    kind: 'onnx',
    inputSize: size,
    channels: layout.channels,
    grid: { height: layout.grid, width: layout.grid },
    stride: layout.stride,
    layers: [output],
    backend,
    description:
      layout.kind === 'tokens'
        ? `ViT tokens from ${basename(path)} (${output}), patch ${PATCH}, ${layout.extra} CLS/register token(s) dropped, ` +
          `${scaling}, ${size} px input.`
        : `Conv feature map from ${basename(path)} (${output}), stride ${layout.stride}, ${scaling}, ${size} px input.`,
    notes: opened.notes,
  }

  let disposed = false
  // Path models keep the hash they always had; preprocessor-driven ones hash the numbers themselves.
  const scalingKey = options.pixels ? { rescale: pixels.rescale, mean: [...pixels.mean], std: [...pixels.std] } : normalization
  return {
    id,
    settingsHash: settingsHash({ kind: 'onnx', version: ALGORITHM_VERSION, model: opened.contentHash, size, output, normalization: scalingKey }),
    describe: () => ({ ...info, grid: { ...info.grid }, layers: [...info.layers], notes: [...info.notes] }),
    async extract(images: RgbImage[]): Promise<FeatureMap[]> {
      if (disposed) throw new Error(`${id}: backbone was disposed`)
      assertSquareInputs(images, size, basename(path))
      const { channels, grid, stride, extra } = layout
      const cells = grid * grid
      const maps: FeatureMap[] = []
      for (let start = 0; start < images.length; start += batchLimit) {
        const batch = images.slice(start, start + batchLimit)
        const out = await run(batch)
        const values = out.data as Float32Array
        const per = values.length / batch.length
        batch.forEach((_, b) => {
          if (layout.kind === 'tokens') {
            const from = b * per + extra * channels
            maps.push(unitFeatureMap(values.subarray(from, from + cells * channels), 'hwc', channels, grid, grid, stride))
          } else {
            maps.push(unitFeatureMap(values.subarray(b * per, (b + 1) * per), 'chw', channels, grid, grid, stride))
          }
        })
      }
      return maps
    },
    dispose() {
      if (disposed) return
      disposed = true
      void session.release().catch(() => undefined)
    },
  }
}
