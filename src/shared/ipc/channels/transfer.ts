import { z } from 'zod'
import { channel } from '../define'
import { DatasetName, Point } from './datasets'
import { Progress } from './jobs'

/** Names one transfer.points call, chosen by the caller, so that it can be followed and cancelled. */
export const TransferRequestId = z.string().min(1).max(64)

const ImageRef = z.object({ category: z.string().min(1), stem: z.string().min(1) }).strict()

/**
 * A score map over the target's square crop whose argmax is (or, for NN, is nearest to) the
 * method's prediction, with what it takes to draw it on the image.
 */
export const Heatmap = z.object({
  width: z.number().int(),
  height: z.number().int(),
  /**
   * Row-major. `similarity`: cosine similarities in [-1, 1], one per feature cell. `hybrid`: that
   * similarity minus the hybrid's distance penalty to the mesh prediction, on the finer grid the
   * hybrid searches (cells it does not search hold the lowest searched score).
   */
  values: z.array(z.number()),
  kind: z.enum(['similarity', 'hybrid']),
  /** The hybrid's weight of the distance penalty (0: it fell back to plain NN); null for similarity. */
  lambda: z.number().nullable(),
  /** The crop the map covers, in target image pixels: [x, y] of its top-left corner and its side. */
  crop: z.object({ x: z.number(), y: z.number(), side: z.number() }),
})
export type Heatmap = z.infer<typeof Heatmap>

export const transferChannels = {
  'transfer.points': channel({
    doc: "Transfer points from a source image to a target image with one method: nn-<backbone>, or mesh:<run>/hybrid:<run> within the run's category (any two images of a data set); NN and hybrid methods also return each point's score map. With a requestId, slow work (features, mesh fits) reports transfer.progress events and transfer.cancel stops it (the call then fails with CANCELLED).",
    request: z
      .object({
        dataset: DatasetName,
        method: z.string().min(1).max(4096),
        source: ImageRef,
        target: ImageRef,
        points: z.array(Point).min(1).max(64),
        heatmaps: z.boolean().default(false),
        requestId: TransferRequestId.optional(),
      })
      .strict(),
    response: z.object({
      method: z.string(),
      predictions: z.array(Point.nullable()),
      heatmaps: z.array(Heatmap).nullable(),
    }),
  }),
  'transfer.cancel': channel({
    doc: 'Ask a transfer.points call (by its requestId) to stop at its next checkpoint; false when no such call is running.',
    request: z.object({ requestId: TransferRequestId }).strict(),
    response: z.object({ requestId: z.string(), cancelRequested: z.boolean() }),
  }),
}

/** Progress of a transfer.points call that named itself with a requestId. */
export const TransferProgress = z.object({ requestId: z.string(), method: z.string(), progress: Progress })
export type TransferProgress = z.infer<typeof TransferProgress>
