import type { FeatureMap } from './types'

/**
 * Builds a channel-major map with unit-norm cells from per-cell values laid out either
 * cell-major ('hwc': tokens, NHWC tensors) or channel-major ('chw': NCHW tensors).
 * A cell whose values are all zero (a dead ReLU region, a flat patch) becomes the uniform unit
 * vector: consumers take cosines and assume unit norms, and every featureless cell then looks
 * alike rather than dividing by zero.
 */
export function unitFeatureMap(
  values: ArrayLike<number>,
  layout: 'hwc' | 'chw',
  channels: number,
  height: number,
  width: number,
  stride: number,
): FeatureMap {
  const cells = height * width
  if (values.length !== cells * channels) {
    throw new Error(`feature values: expected ${channels} x ${height} x ${width} = ${cells * channels}, got ${values.length}`)
  }
  const data = new Float32Array(cells * channels)
  const uniform = 1 / Math.sqrt(channels)
  const cellStep = layout === 'hwc' ? channels : 1
  const channelStep = layout === 'hwc' ? 1 : cells
  for (let p = 0; p < cells; p++) {
    const base = p * cellStep
    let sum = 0
    for (let c = 0; c < channels; c++) {
      const v = values[base + c * channelStep]!
      sum += v * v
    }
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0
    for (let c = 0; c < channels; c++) {
      data[c * cells + p] = inv > 0 ? values[base + c * channelStep]! * inv : uniform
    }
  }
  return { channels, height, width, stride, data }
}
