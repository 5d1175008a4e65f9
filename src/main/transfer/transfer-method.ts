import type { Bbox, Point } from '../../shared/ipc/channels/datasets'
import type { Heatmap } from '../../shared/ipc/channels/transfer'

/** What a method needs to know about one pair; keypoints and boxes in original image pixels. */
export interface TransferPair {
  split: string
  name: string
  category: string
  srcKey: string
  trgKey: string
  srcKps: Point[]
  trgBbox: Bbox | null
  trgSize: [number, number]
}

/**
 * A semantic-correspondence method: for each source keypoint, its predicted position in the
 * target image (pixels), or null where it has no answer (scored as wrong).
 */
export interface TransferMethod {
  /** e.g. `nn-pretrained`, `predictions:<file>`. */
  readonly id: string
  /** Identifies the method with every parameter and weight that changes its output: the prediction cache key. */
  readonly key: string
  transfer(pair: TransferPair): Promise<(Point | null)[]>
  /** Per source keypoint, the score map whose argmax is the prediction (null where it has none), for methods that search one. */
  scoreMaps?(pair: TransferPair): Promise<(Heatmap | null)[]>
  dispose(): Promise<void>
}
