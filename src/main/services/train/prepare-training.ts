import { fitPca, projectPca } from '../../engine/pca/pca'
import type { Pca } from '../../engine/pca/pca'
import type { TrainingData } from '../../engine/train/training-data'
import type { FeatureMap } from '../../features/backbones/types'
import type { Mask, RgbImage } from '../../images/rgb-image'

/** Images the PCA is fitted on, evenly spread over the training set: raw maps are megabytes each. */
const PCA_IMAGES = 48

/**
 * The engine's training data: a PCA fitted on foreground cells of the training images only
 * (METHOD §2), every map projected as it is loaded so that only the reduced maps stay in memory.
 */
export function prepareTraining<E>(
  inputs: readonly { key: string; mask: Mask; entry: E; colour?: RgbImage }[],
  features: { load(entry: E): FeatureMap },
  dims: number,
  seed: number,
): { data: TrainingData; pca: Pca } {
  const stride = Math.max(1, Math.floor(inputs.length / PCA_IMAGES))
  const sample = inputs.filter((_, i) => i % stride === 0).slice(0, PCA_IMAGES)
  const pca = fitPca(
    sample.map((i) => features.load(i.entry)),
    sample.map((i) => i.mask),
    dims,
    { seed },
  )
  const images = inputs.map((i) => ({ key: i.key, features: projectPca(pca, features.load(i.entry)), mask: i.mask, ...(i.colour ? { colour: i.colour } : {}) }))
  return { data: { images, pca }, pca }
}
