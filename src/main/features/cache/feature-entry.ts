import type { BBox, CropTransform } from '../../images/crop-square'

/** Where one image's cached features are, and how its crop maps to image pixels. */
export interface FeatureEntry {
  file: string
  bbox: BBox
  transform: CropTransform
}
