import type { ObjectModel } from '../model-builder'
import type { Rng } from '../random'

/**
 * A procedural category. Model frame for every category: +x is the object's left, +y up,
 * +z the direction it faces; the ground is y = 0. Keypoint ids are indices into
 * `keypointNames`, a fixed order in which left/right twins sit next to each other.
 */
export interface CategoryDefinition {
  name: string
  keypointNames: readonly string[]
  build(rng: Rng): ObjectModel
}
