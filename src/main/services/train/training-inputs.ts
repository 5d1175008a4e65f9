import { join } from 'node:path'
import type { Split } from '../../../shared/ipc/channels/datasets'
import { AppError } from '../../core/app-error'
import type { FeatureEntry } from '../../features/cache/feature-entry'
import { cropSquare, cropSquareMask } from '../../images/crop-square'
import { readImageFile, readMaskFile } from '../../images/decode-image'
import type { Mask, RgbImage } from '../../images/rgb-image'
import { COLOUR_SIZE } from '../../engine/appearance/colour-channels'
import type { Db } from '../../store/migration'
import { loadCurated } from '../curation/load-curated'
import type { CuratedImageRecord } from '../curation/load-curated'
import { requireDataset } from '../datasets/dataset-queries'
import { CROP_MARGIN } from '../features/features-service'
import type { FeaturesService } from '../features/features-service'
import type { JobContext } from '../jobs/job-manager'

/** Masks enter the losses at this resolution, over the same square crop as the features (METHOD §9). */
export const MASK_SIZE = 64

/** An image's cropped mask and where its cached features are (maps are large: load them one at a time). */
export interface ImageInput {
  key: string
  mask: Mask
  entry: FeatureEntry
  /** The same crop in colour, for a model with the appearance term (engine appearance/colour-channels). */
  colour?: RgbImage
}

/** The mask of an image, cropped like its features. */
export function croppedMask(root: string, image: CuratedImageRecord): Mask {
  if (!image.maskFile) throw new AppError('BAD_INPUT', `${image.category}/${image.stem} has no segmentation mask`)
  const mask = readMaskFile(join(root, image.maskFile))
  return cropSquareMask(mask, image.bbox ?? [0, 0, image.width, image.height], CROP_MARGIN, MASK_SIZE).mask
}

/** The image's colour over the crop its features cover, at the appearance term's size. */
export function croppedColour(root: string, image: CuratedImageRecord): RgbImage {
  const rgb = readImageFile(join(root, image.file))
  return cropSquare(rgb, image.bbox ?? [0, 0, image.width, image.height], CROP_MARGIN, COLOUR_SIZE).image
}

/**
 * Features and masks of images of one category: for training, those of `split` (never their
 * keypoints); for inference, the named ones. Excluded images and images without masks are
 * left out of training and named in `skipped`. `colour`: each input carries its colour crop too
 * (a model with the appearance term needs it, in training and in fitting alike).
 */
export async function imageInputs(
  db: Db,
  features: FeaturesService,
  dataset: string,
  backbone: string,
  select: { category: string; split: Split } | { keys: ReadonlySet<string> },
  ctx?: JobContext,
  options: { colour?: boolean } = {},
): Promise<{ inputs: ImageInput[]; skipped: string[] }> {
  const ds = requireDataset(db, dataset)
  const all = [...loadCurated(db, ds).images.values()]
  const chosen =
    'keys' in select
      ? all.filter((i) => select.keys.has(`${i.category}/${i.stem}`))
      : all.filter((i) => i.category === select.category && i.splits.includes(select.split) && !i.excluded)
  const skipped = chosen.filter((i) => !i.maskFile).map((i) => `${i.category}/${i.stem}: no mask`)
  const usable = chosen.filter((i) => i.maskFile)
  const set = await features.ensure(dataset, backbone, {}, ctx, new Set(usable.map((i) => `${i.category}/${i.stem}`)))
  const inputs: ImageInput[] = []
  for (const [k, image] of usable.entries()) {
    // Masks are decoded here, on the caller's thread: let IPC and sockets in between.
    if (k % 16 === 15) await new Promise((resolve) => setImmediate(resolve))
    const key = `${image.category}/${image.stem}`
    const entry = set.entries.get(key)
    if (!entry) {
      skipped.push(`${key}: no features`)
      continue
    }
    inputs.push({ key, mask: croppedMask(ds.root, image), entry, ...(options.colour ? { colour: croppedColour(ds.root, image) } : {}) })
  }
  return { inputs, skipped }
}
