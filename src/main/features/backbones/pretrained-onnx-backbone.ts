import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Tensor } from 'onnxruntime-node'
import type { RgbImage } from '../../images/rgb-image'
import { assertSquareInputs } from '../../images/rgb-image'
import type { KerasLayer, KerasWeight } from '../onnx-export/keras-to-onnx'
import { kerasHypercolumnToOnnx } from '../onnx-export/keras-to-onnx'
import { unitFeatureMap } from './feature-map'
import { openOnnxSession } from './onnx-session'
import type { PretrainedId, PretrainedModelSpec } from './pretrained-models'
import { pretrainedInfo, pretrainedSettings, pretrainedModelDir, pretrainedSettingsHash } from './pretrained-models'
import { fileSystemModelHandler } from './tfjs-model-files'
import type { Backbone, BackboneRuntime, FeatureMap } from './types'

/** Bump when the converter's output changes, so converted files made by older code are not reused. */
const CONVERTER_VERSION = 1
const BATCH = 4

interface Converted {
  path: string
  grid: [number, number]
  channels: number
}

/** uint8/uint16 weights dequantised exactly as tfjs's decodeWeights does (v * scale + min, in float32). */
function decodeWeights(specs: readonly { name: string; shape: number[]; dtype: string; quantization?: { dtype: string; min?: number; scale?: number } }[], data: ArrayBuffer): Map<string, KerasWeight> {
  const out = new Map<string, KerasWeight>()
  let offset = 0
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1)
    const q = spec.quantization
    if (spec.dtype !== 'float32') throw new Error(`weight ${spec.name}: dtype ${spec.dtype} is not supported`)
    let values: Float32Array
    if (!q) {
      values = new Float32Array(data.slice(offset, offset + 4 * n))
      offset += 4 * n
    } else if ((q.dtype === 'uint8' || q.dtype === 'uint16') && q.min !== undefined && q.scale !== undefined) {
      const width = q.dtype === 'uint8' ? 1 : 2
      const raw = q.dtype === 'uint8' ? new Uint8Array(data, offset, n) : new Uint16Array(data.slice(offset, offset + 2 * n))
      values = new Float32Array(n)
      for (let i = 0; i < n; i++) values[i] = raw[i]! * q.scale + q.min
      offset += width * n
    } else {
      throw new Error(`weight ${spec.name}: quantization ${q.dtype} is not supported`)
    }
    out.set(spec.name, { shape: spec.shape, data: values })
  }
  return out
}

/** What the converted file depends on: the shipped model files, the converter, the settings. */
function conversionKey(spec: PretrainedModelSpec, size: number, layers: readonly string[]): string {
  const dir = pretrainedModelDir(spec)
  const hash = createHash('sha256').update(JSON.stringify({ converter: CONVERTER_VERSION, size, layers }))
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)))
  return hash.digest('hex').slice(0, 16)
}

/**
 * The hypercolumn graph of a shipped CNN as an ONNX file, converted from nsfwjs's weights at
 * first use and kept in `modelDir` under a name that hashes its inputs; later loads (and the
 * other feature workers) open that file. Written under a temporary name and renamed, so a
 * crash never leaves a half file under the final name.
 */
async function convertedModel(spec: PretrainedModelSpec, size: number, layers: readonly string[], modelDir: string): Promise<Converted> {
  const path = join(modelDir, `${spec.id}-${size}-${conversionKey(spec, size, layers)}.onnx`)
  const meta = `${path}.json`
  if (existsSync(path) && existsSync(meta)) return { path, ...(JSON.parse(readFileSync(meta, 'utf8')) as Omit<Converted, 'path'>) }
  const artifacts = await fileSystemModelHandler(pretrainedModelDir(spec)).load!()
  const topology = artifacts.modelTopology as { model_config?: { config?: { layers?: KerasLayer[] } } }
  const all = topology.model_config?.config?.layers
  if (!all) throw new Error(`${spec.id}: the model JSON has no model_config.config.layers`)
  const known = new Set(all.map((l) => l.name))
  const unknown = layers.filter((l) => !known.has(l))
  if (unknown.length > 0) {
    throw new Error(`${spec.id}: unknown layer(s) ${unknown.join(', ')}; layers that work well: ${all.map((l) => l.name).filter((n) => spec.suggest.test(n)).join(', ')}`)
  }
  const weights = decodeWeights(artifacts.weightSpecs as Parameters<typeof decodeWeights>[0], artifacts.weightData as ArrayBuffer)
  const converted = kerasHypercolumnToOnnx(all, weights, { size, layers })
  mkdirSync(modelDir, { recursive: true })
  // Feature workers may convert at the same time: each writes its own temporary file, and the
  // metadata goes last, so a file is only used once both are whole.
  const write = (file: string, bytes: Uint8Array | string): void => {
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`
    writeFileSync(tmp, bytes)
    renameSync(tmp, file)
  }
  write(path, converted.bytes)
  write(meta, JSON.stringify({ grid: converted.grid, channels: converted.channels }))
  return { path, grid: converted.grid, channels: converted.channels }
}

/**
 * The shipped CNNs' hypercolumns on onnxruntime (multi-threaded CPU provider, CUDA where its
 * libraries are installed, WebGPU as the device choice says: onnxProvidersFor): the same features as pretrained-backbone.ts computes on tfjs-wasm,
 * which runs one thread in Node, under the same settings hash.
 */
export async function loadPretrainedOnnxBackbone(
  id: PretrainedId,
  options: { size?: number; layers?: string[] } = {},
  runtime: BackboneRuntime = {},
): Promise<Backbone> {
  const { spec, size, layers } = pretrainedSettings(id, options)
  const converted = await convertedModel(spec, size, layers, runtime.modelDir ?? join(tmpdir(), 'semagic-models'))
  const opened = await openOnnxSession(converted.path, runtime.providers ?? ['cuda', 'cpu'], undefined, runtime.threads)
  const { session } = opened
  const [gridH, gridW] = converted.grid
  const { channels } = converted
  const info = pretrainedInfo(spec, {
    id,
    size,
    grid: [gridH, gridW],
    channels,
    layers,
    backend: `onnx-${opened.providers[0]}`,
    notes: opened.notes,
    weights: 'weights shipped in the npm package, converted to ONNX at first use',
  })
  let disposed = false
  return {
    id,
    settingsHash: pretrainedSettingsHash(id, size, layers, converted.grid),
    describe: () => ({ ...info, grid: { ...info.grid }, layers: [...info.layers], notes: [...info.notes] }),
    async extract(images: RgbImage[]): Promise<FeatureMap[]> {
      if (disposed) throw new Error(`${id}: backbone was disposed`)
      assertSquareInputs(images, size, id)
      const plane = size * size
      const maps: FeatureMap[] = []
      for (let start = 0; start < images.length; start += BATCH) {
        const batch = images.slice(start, start + BATCH)
        const pixels = new Float32Array(batch.length * 3 * plane)
        batch.forEach((img, b) => {
          for (let c = 0; c < 3; c++) {
            const o = (b * 3 + c) * plane
            for (let p = 0; p < plane; p++) pixels[o + p] = img.data[p * 3 + c]! / 255
          }
        })
        const result = await session.run({ pixels: new Tensor('float32', pixels, [batch.length, 3, size, size]) }, ['features'])
        const values = result.features!.data as Float32Array
        const per = channels * gridH * gridW
        batch.forEach((_, b) => maps.push(unitFeatureMap(values.subarray(b * per, (b + 1) * per), 'chw', channels, gridH, gridW, info.stride)))
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
