import type { Point } from '../../shared/ipc/channels/datasets'
import type { FeatureMap } from '../features/backbones/types'
import type { FeatureEntry } from '../features/cache/feature-entry'
import { nnMatch } from './nn-match'
import { cropRegion } from './score-heatmap'
import type { NnMatchOptions } from './nn-match'
import type { TransferMethod, TransferPair } from './transfer-method'

export interface NnTransferOptions {
  /** Search the target's box (default, as the field's NN baseline does) or its whole image. */
  search: 'bbox' | 'image'
  upsample: number
  softWindow: number
}

export const DEFAULT_NN_OPTIONS: NnTransferOptions = { search: 'bbox', upsample: 4, softWindow: 0 }

/**
 * The zero-shot 2-D baseline: each source keypoint's feature, nearest neighbour among the
 * target's features. Works in the square crops the features were computed on and answers in
 * original target pixels.
 */
export function createNnTransfer(
  id: string,
  key: string,
  entries: ReadonlyMap<string, FeatureEntry>,
  load: (entry: FeatureEntry) => FeatureMap,
  options: NnTransferOptions = DEFAULT_NN_OPTIONS,
): TransferMethod {
  // Pairs share images: keep the most recent maps decoded.
  const decoded = new Map<string, FeatureMap>()
  const map = (key: string): FeatureMap | null => {
    const hit = decoded.get(key)
    if (hit) return hit
    const entry = entries.get(key)
    if (!entry) return null
    const m = load(entry)
    decoded.set(key, m)
    if (decoded.size > 64) decoded.delete(decoded.keys().next().value!)
    return m
  }
  return {
    id,
    key,
    async transfer(pair: TransferPair) {
      const src = map(pair.srcKey)
      const trg = map(pair.trgKey)
      const srcEntry = entries.get(pair.srcKey)
      const trgEntry = entries.get(pair.trgKey)
      if (!src || !trg || !srcEntry || !trgEntry) return pair.srcKps.map(() => null)
      const t = trgEntry.transform
      const box = options.search === 'bbox' && pair.trgBbox ? pair.trgBbox : ([0, 0, pair.trgSize[0], pair.trgSize[1]] as const)
      const matchOptions: NnMatchOptions = { region: cropRegion(t, box), upsample: options.upsample, softWindow: options.softWindow }
      const crops = pair.srcKps.map((p) => srcEntry.transform.toCrop(p))
      return nnMatch(src, crops, trg, matchOptions).map((p): Point => t.toImage(p))
    },
    dispose: async () => decoded.clear(),
  }
}
