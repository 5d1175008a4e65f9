import type { PairItem } from '../ipc/channels/datasets'
import type { ScoredPair } from './pck-types'

/**
 * An indexed pair plus its predictions as evaluator input. The index stores flags in camelCase
 * while reports name them as SPair's JSON does; this is the one place that maps the two. The
 * target image size comes from the target's ImageItem (pairs do not carry it).
 */
export function scoredPairOf(pair: PairItem, trgImageSize: readonly [number, number], predicted: ScoredPair['predicted']): ScoredPair {
  return {
    split: pair.split,
    name: pair.name,
    category: pair.category,
    flags: {
      viewpoint_variation: pair.flags.viewpointVariation,
      scale_variation: pair.flags.scaleVariation,
      truncation: pair.flags.truncation,
      occlusion: pair.flags.occlusion,
    },
    kpsIds: pair.kpsIds,
    trgKps: pair.trgKps,
    trgBbox: pair.trgBbox,
    trgImageSize,
    predicted,
  }
}
