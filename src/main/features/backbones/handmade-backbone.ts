import type { RgbImage } from '../../images/rgb-image'
import { assertSquareInputs } from '../../images/rgb-image'
import { unitFeatureMap } from './feature-map'
import { CELL_SIZES, HANDMADE_CHANNELS, handmadeDescriptor, ORIENTATION_BINS } from './handmade-descriptor'
import { settingsHash } from './settings-hash'
import type { Backbone, BackboneInfo, FeatureMap } from './types'

const ALGORITHM_VERSION = 1
const DEFAULT_SIZE = 224
/** Output cell side in input pixels: the finest window. */
const CELL = CELL_SIZES[0]
const MIN_SIZE = 2 * CELL_SIZES[CELL_SIZES.length - 1]!
const MAX_SIZE = 2048

/** The no-weights fallback: plain JS, deterministic, and much weaker than a learned backbone. */
export function createHandmadeBackbone(options: { size?: number } = {}): Backbone {
  const size = options.size ?? DEFAULT_SIZE
  if (!Number.isInteger(size) || size < MIN_SIZE || size > MAX_SIZE) {
    throw new Error(`handmade: input size must be an integer in [${MIN_SIZE}, ${MAX_SIZE}], got ${size}`)
  }
  const grid = Math.floor(size / CELL)
  const stride = size / grid
  const info: BackboneInfo = {
    id: 'handmade',
    kind: 'handmade',
    inputSize: size,
    channels: HANDMADE_CHANNELS,
    grid: { height: grid, width: grid },
    stride,
    layers: [...CELL_SIZES.map((c) => `gradient-${c}px`), ...CELL_SIZES.map((c) => `lab-${c}px`)],
    backend: 'js',
    description:
      `Hand-made dense descriptor, no weights: ${ORIENTATION_BINS}-bin unsigned gradient-orientation histograms ` +
      `(2 x 2 sub-windows, soft-binned) and mean CIELAB colour over ${CELL_SIZES.join('/')} px windows. ` +
      'Weaker than the pretrained backbones: it matches local edges and colour, not parts, so expect ' +
      'lower keypoint-transfer accuracy and no invariance to large appearance change. Use it when no weights are available.',
    notes: [],
  }
  return {
    id: 'handmade',
    settingsHash: settingsHash({ kind: 'handmade', version: ALGORITHM_VERSION, size }),
    describe: () => ({ ...info, grid: { ...info.grid }, layers: [...info.layers], notes: [] }),
    async extract(images: RgbImage[]): Promise<FeatureMap[]> {
      assertSquareInputs(images, size, 'handmade')
      return images.map((img) => unitFeatureMap(handmadeDescriptor(img, grid), 'hwc', HANDMADE_CHANNELS, grid, grid, stride))
    },
    dispose() {},
  }
}
