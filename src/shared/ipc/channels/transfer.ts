import { z } from 'zod'
import { channel } from '../define'
import { DatasetName, Point } from './datasets'

const ImageRef = z.object({ category: z.string().min(1), stem: z.string().min(1) }).strict()

/** A similarity map over the target's square crop, with what it takes to draw it on the image. */
export const Heatmap = z.object({
  width: z.number().int(),
  height: z.number().int(),
  /** Row-major cosine similarities in [-1, 1]. */
  values: z.array(z.number()),
  /** The crop the map covers, in target image pixels: [x, y] of its top-left corner and its side. */
  crop: z.object({ x: z.number(), y: z.number(), side: z.number() }),
})
export type Heatmap = z.infer<typeof Heatmap>

export const transferChannels = {
  'transfer.points': channel({
    doc: 'Transfer points from a source image to a target image with one method: nn-<backbone>, or mesh:<run>/hybrid:<run> within the run\'s category (any two images of a data set); NN methods also return each point\'s similarity map.',
    request: z
      .object({
        dataset: DatasetName,
        method: z.string().min(1).max(4096),
        source: ImageRef,
        target: ImageRef,
        points: z.array(Point).min(1).max(64),
        heatmaps: z.boolean().default(false),
      })
      .strict(),
    response: z.object({
      method: z.string(),
      predictions: z.array(Point.nullable()),
      heatmaps: z.array(Heatmap).nullable(),
    }),
  }),
}
