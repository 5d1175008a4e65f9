import { describe, expect, it } from 'vitest'
import { COLOUR_CHANNELS, colourGrid, withAppearance } from '../../../src/main/engine/appearance/colour-channels'
import { categoryForward } from '../../../src/main/engine/model/category-model'
import { resolveConfig } from '../../../src/main/engine/model/config'
import { fitImage, startFit } from '../../../src/main/engine/infer/fit-image'
import { fitPca } from '../../../src/main/engine/pca/pca'
import { deserializeModel, perImageParams, serializeModel } from '../../../src/main/engine/train/checkpoint'
import { trainCategory } from '../../../src/main/engine/train/train-category'
import { trainingTargets } from '../../../src/main/engine/train/training-data'
import type { TrainingData } from '../../../src/main/engine/train/training-data'
import type { FeatureMap } from '../../../src/main/features/backbones/types'
import type { Mask, RgbImage } from '../../../src/main/images/rgb-image'
import { CHANNELS, randomViews, syntheticObject } from './synthetic-views'

/** A 4 x 4 image of four 2 x 2 blocks: white, black (top), red, mid-grey (bottom). */
const BLOCKS: RgbImage = (() => {
  const data = new Uint8Array(4 * 4 * 3)
  const colours = [
    [255, 255, 255],
    [0, 0, 0],
    [255, 0, 0],
    [119, 119, 119],
  ]
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) data.set(colours[2 * Math.floor(y / 2) + Math.floor(x / 2)]!, 3 * (y * 4 + x))
  return { width: 4, height: 4, data }
})()

const SQRT3 = Math.sqrt(3)

/** CIELAB of the blocks (D65): white, black, sRGB red (53.24, 80.09, 67.20), sRGB 119 grey (about L 50). */
const LAB = [
  [100, 0, 0],
  [0, 0, 0],
  [53.24, 80.09, 67.2],
  [50.03, 0, 0],
]

/** The red of the left half of the object, the yellow of its right half (a car's tail and head lights), over grey. */
function colourOf(mask: Mask): RgbImage {
  const data = new Uint8Array(mask.width * mask.height * 3)
  for (let p = 0; p < mask.data.length; p++) {
    const left = p % mask.width < mask.width / 2
    data.set(mask.data[p] ? (left ? [200, 30, 30] : [230, 200, 60]) : [120, 120, 120], 3 * p)
  }
  return { width: mask.width, height: mask.height, data }
}

function coloured(data: TrainingData): TrainingData {
  return { ...data, images: data.images.map((im) => ({ ...im, colour: colourOf(im.mask) })) }
}

describe('the appearance term: the image colour as feature channels', () => {
  it('averages standardised Lab onto the feature grid, each colour pixel in the cell its centre lies in', () => {
    const grid = colourGrid(BLOCKS, 2, 2)
    expect(grid).toHaveLength(COLOUR_CHANNELS * 4)
    for (let cell = 0; cell < 4; cell++) {
      const [L, a, b] = LAB[cell]!
      expect(grid[cell]).toBeCloseTo((L! - 50) / 25 / SQRT3, 2)
      expect(grid[4 + cell]).toBeCloseTo(a! / 25 / SQRT3, 2)
      expect(grid[8 + cell]).toBeCloseTo(b! / 25 / SQRT3, 2)
    }
    // One cell over the whole image: the mean of the four blocks.
    const one = colourGrid(BLOCKS, 1, 1)
    for (let c = 0; c < 3; c++) expect(one[c]).toBeCloseTo((grid[4 * c]! + grid[4 * c + 1]! + grid[4 * c + 2]! + grid[4 * c + 3]!) / 4, 5)
  })

  it('appends the colour scaled by sqrt(weight) times the map\'s feature scale, and leaves the map alone at weight 0', () => {
    // Two channels, every cell's vector of norm 2: the feature scale is 2.
    const features: FeatureMap = { channels: 2, height: 2, width: 2, stride: 2, data: Float32Array.from([2, 0, 0, 2, 0, 2, 2, 0]) }
    expect(withAppearance(features, undefined, 0)).toBe(features)
    const out = withAppearance(features, BLOCKS, 4)
    expect(out.channels).toBe(2 + COLOUR_CHANNELS)
    expect(Array.from(out.data.subarray(0, 8))).toEqual(Array.from(features.data))
    const grid = colourGrid(BLOCKS, 2, 2)
    for (let k = 0; k < grid.length; k++) expect(out.data[8 + k]).toBeCloseTo(grid[k]! * 2 * 2, 5)
    expect(() => withAppearance(features, undefined, 0.5, 'car/0001')).toThrow(/car\/0001: the model's appearance term \(weight 0.5\) needs the image's colour crop/)
  })

  it('trains on the extra channels, and a fit (here, and from the checkpoint) reads exactly the channels training read', async () => {
    const data = coloured(randomViews(syntheticObject(2, true), 4, 11))
    const pca = fitPca(data.images.map((im) => im.features), data.images.map((im) => im.mask), 4)
    const { model } = await trainCategory({ ...data, pca }, { steps: 2, batchSize: 2, templateLevel: 2, hypotheses: 2, appearance: 0.5 })
    expect(model.channels).toBe(4 + COLOUR_CHANNELS)
    const copy = deserializeModel(serializeModel(model))
    expect(copy.config.appearance).toBe(0.5)
    expect(copy.channels).toBe(4 + COLOUR_CHANNELS)
    const trained = trainingTargets({ ...data, pca }, 0.5)
    for (const m of [model, copy]) {
      const { cameras } = perImageParams(m.config, 1)
      // The raw map, as the studio's fits pass it: projected by the model's PCA, then the colour appended.
      const { target } = startFit(m, categoryForward(m), data.images[1]!, {}, cameras, 0)
      expect(Array.from(target.cells)).toEqual(Array.from(trained[1]!.cells))
    }
    expect(fitImage(copy, data.images[1]!, { steps: 2 }).loss).toEqual(fitImage(model, data.images[1]!, { steps: 2 }).loss)
    const { colour: _dropped, ...grey } = data.images[1]!
    expect(() => fitImage(copy, grey, { steps: 1 })).toThrow(/appearance term \(weight 0.5\) needs the image's colour crop/)
  })

  it('a checkpoint written before the term existed restores with it off and fits images without colour', async () => {
    const data = randomViews(syntheticObject(2, true), 4, 12)
    const { model } = await trainCategory(data, { steps: 2, batchSize: 2, templateLevel: 2, hypotheses: 2 })
    expect(model.channels).toBe(CHANNELS)
    const { manifest, weights } = serializeModel(model)
    const { appearance, ...older } = manifest.config
    expect(appearance).toBe(0)
    const restored = deserializeModel({ manifest: { ...manifest, config: older as typeof manifest.config }, weights })
    expect(restored.config.appearance).toBe(0)
    expect(fitImage(restored, data.images[0]!, { steps: 2 }).loss).toEqual(fitImage(model, data.images[0]!, { steps: 2 }).loss)
  })

  it('refuses a negative or non-finite weight, naming the setting', () => {
    expect(() => resolveConfig({ appearance: -1 })).toThrow(/appearance must be a non-negative number \(0 is off\), got -1/)
    expect(() => resolveConfig({ appearance: Number.NaN })).toThrow(/appearance must be a non-negative number/)
  })
})
