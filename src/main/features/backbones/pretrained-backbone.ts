import * as tf from '@tensorflow/tfjs'
import type { TfjsBackendName } from '../../engine/backend/tfjs-backend'
import { initTfjs, TFJS_BACKEND_ORDER, tfjsBackendFailures } from '../../engine/backend/tfjs-backend'
import type { RgbImage } from '../../images/rgb-image'
import { assertSquareInputs } from '../../images/rgb-image'
import { unitFeatureMap } from './feature-map'
import type { PretrainedId } from './pretrained-models'
import { pretrainedInfo, pretrainedSettings, pretrainedModelDir, pretrainedSettingsHash } from './pretrained-models'
import { fileSystemModelHandler } from './tfjs-model-files'
import type { Backbone, FeatureMap } from './types'

/** Images per forward pass: enough to amortise per-call overhead, small enough for memory. */
const BATCH = 4
const EPS = 1e-12

function backendNotes(chosen: TfjsBackendName): string[] {
  const notes = chosen === 'wasm' ? ['tfjs wasm runs one thread in Node'] : []
  for (const name of TFJS_BACKEND_ORDER) {
    if (name === chosen) break
    const why = tfjsBackendFailures.get(name)
    if (why) notes.push(`tfjs ${name} not used: ${why}`)
  }
  return notes
}

/**
 * Hypercolumns: several layers' activations, each resized (bilinear, half-pixel centres) to a
 * common grid and L2-normalised on its own, then concatenated and normalised per cell. Each
 * layer thus weighs the same whatever its channel count, and the cosine of two cells is the
 * mean of the per-layer cosines, as METHOD.md's probe scored matches.
 *
 * The common grid is the median of the layers' grids, the coarser middle one for an even count
 * (17 x 17 for InceptionV3's mixed4/5/7 at 299; 20 x 20, the stride-16 layers, for MobileNetV2
 * at 320): finer grids multiply the cache without adding information the coarse layers lack,
 * coarser ones blur the fine layers away.
 */
export async function loadPretrainedBackbone(
  id: PretrainedId,
  options: { size?: number; layers?: string[] } = {},
): Promise<Backbone> {
  const { spec, size, layers } = pretrainedSettings(id, options)
  const backend = await initTfjs()
  const model = await tf.loadLayersModel(fileSystemModelHandler(pretrainedModelDir(spec)))

  const known = new Set(model.layers.map((l) => l.name))
  const unknown = layers.filter((l) => !known.has(l))
  if (unknown.length > 0) {
    const hint = model.layers.map((l) => l.name).filter((n) => spec.suggest.test(n))
    model.dispose()
    throw new Error(`${id}: unknown layer(s) ${unknown.join(', ')}; layers that work well: ${hint.join(', ')}`)
  }
  const outputNames = layers.map((name) => {
    const out = model.getLayer(name).output
    return (Array.isArray(out) ? out[0]! : out).name
  })

  // execute() accepts any input size where predict() insists on the trained one; a dry run
  // gives each layer's grid at this size.
  let grids: [number, number, number][] = []
  tf.tidy(() => {
    const outs = model.execute(tf.zeros([1, size, size, 3]), outputNames) as tf.Tensor[]
    grids = outs.map((t) => [t.shape[1]!, t.shape[2]!, t.shape[3]!])
  })
  const sorted = [...grids].sort((a, b) => b[0] - a[0])
  const [gridH, gridW] = sorted[Math.floor(sorted.length / 2)]!
  const channels = grids.reduce((n, g) => n + g[2], 0)

  let disposed = false
  const info = pretrainedInfo(spec, { id, size, grid: [gridH, gridW], channels, layers, backend, notes: backendNotes(backend), weights: 'weights shipped in the npm package' })

  const forward = (batch: RgbImage[]): tf.Tensor => {
    const n = batch.length
    const pixels = new Float32Array(n * size * size * 3)
    batch.forEach((img, b) => {
      const o = b * size * size * 3
      for (let i = 0; i < img.data.length; i++) pixels[o + i] = img.data[i]! / 255
    })
    return tf.tidy(() => {
      const outs = model.execute(tf.tensor4d(pixels, [n, size, size, 3]), outputNames) as tf.Tensor4D[]
      const parts = outs.map((t) => {
        const r = t.shape[1] === gridH && t.shape[2] === gridW ? t : tf.image.resizeBilinear(t, [gridH, gridW], false, true)
        return r.div(r.norm('euclidean', -1, true).maximum(EPS))
      })
      return tf.concat(parts, -1)
    })
  }

  return {
    id,
    settingsHash: pretrainedSettingsHash(id, size, layers, [gridH, gridW]),
    describe: () => ({ ...info, grid: { ...info.grid }, layers: [...info.layers], notes: [...info.notes] }),
    async extract(images: RgbImage[]): Promise<FeatureMap[]> {
      if (disposed) throw new Error(`${id}: backbone was disposed`)
      assertSquareInputs(images, size, id)
      const maps: FeatureMap[] = []
      for (let start = 0; start < images.length; start += BATCH) {
        const batch = images.slice(start, start + BATCH)
        const out = forward(batch)
        const values = (await out.data()) as Float32Array
        out.dispose()
        const per = gridH * gridW * channels
        batch.forEach((_, b) => {
          maps.push(unitFeatureMap(values.subarray(b * per, (b + 1) * per), 'hwc', channels, gridH, gridW, info.stride))
        })
      }
      return maps
    },
    dispose() {
      if (disposed) return
      disposed = true
      model.dispose()
    },
  }
}
