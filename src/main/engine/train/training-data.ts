import type { FeatureMap } from '../../features/backbones/types'
import type { Mask, RgbImage } from '../../images/rgb-image'
import { withAppearance } from '../appearance/colour-channels'
import { viewTarget } from '../losses/view-target'
import type { ViewTarget } from '../losses/view-target'
import type { SeededRandom } from '../math/seeded-random'
import { projectPca } from '../pca/pca'
import type { Pca } from '../pca/pca'

/**
 * One training image: its backbone features and its foreground mask, both covering the same
 * square crop (images/crop-square). Keypoints are never part of training.
 */
export interface TrainingImage {
  key: string
  features: FeatureMap
  mask: Mask
  /** The same square crop in colour (appearance/colour-channels' COLOUR_SIZE); needed when the appearance term is on. */
  colour?: RgbImage
}

export interface TrainingData {
  images: TrainingImage[]
  /** When given, `features` are raw backbone maps and are projected by it; else they are used as they are. */
  pca?: Pca | null
}

/**
 * The model's view of a feature map: a map with the PCA's input channels is raw and gets
 * projected, any other is taken as already projected (a mismatch surfaces as a channel error).
 */
export function modelFeatures(map: FeatureMap, pca: Pca | null): FeatureMap {
  return pca && map.channels === pca.inputChannels ? projectPca(pca, map) : map
}

/**
 * One image as the model's losses read it, in training and in fitting alike: its features after
 * the PCA, with its colour appended when the model's appearance term is on.
 */
export function imageTarget(image: { features: FeatureMap; mask: Mask; colour?: RgbImage }, pca: Pca | null, appearance: number, what = 'image'): ViewTarget {
  return viewTarget(withAppearance(modelFeatures(image.features, pca), image.colour, appearance, what), image.mask, what)
}

export function trainingTargets(data: TrainingData, appearance: number): ViewTarget[] {
  if (data.images.length === 0) throw new RangeError('training needs at least one image')
  const targets = data.images.map((im) => imageTarget(im, data.pca ?? null, appearance, im.key))
  const channels = targets[0]!.channels
  for (const [k, t] of targets.entries()) {
    if (t.channels !== channels) throw new RangeError(`image ${data.images[k]!.key} has ${t.channels} feature channels, the first has ${channels}`)
  }
  return targets
}

/** `count` foreground pixel centres of the target, drawn with replacement: the chamfer's q_k. */
export function chamferSamples(target: ViewTarget, count: number, rng: SeededRandom): Float64Array {
  const fg = target.foreground
  const out = new Float64Array(2 * count)
  for (let k = 0; k < count; k++) {
    const p = rng.below(fg.length / 2)
    out[2 * k] = fg[2 * p]!
    out[2 * k + 1] = fg[2 * p + 1]!
  }
  return out
}
