import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ScoredPair, Xy } from '../../../src/shared/eval/pck-types'

const TEST_PAIRS = join(__dirname, '../../fixtures/spair/SPair-71k/PairAnnotation/test')

interface PairJson {
  filename: string
  category: string
  trg_imsize: [number, number, number]
  trg_bndbox: [number, number, number, number]
  trg_kps: [number, number][]
  kps_ids: string[]
  viewpoint_variation: number
  scale_variation: number
  truncation: number
  occlusion: number
}

/** The fixture's test pairs by pair_id (1, 2, 3, 5), read from their JSON. */
export const fixturePairs: ReadonlyMap<number, PairJson> = new Map(
  readdirSync(TEST_PAIRS)
    .sort()
    .map((f) => {
      const json = JSON.parse(readFileSync(join(TEST_PAIRS, f), 'utf8')) as PairJson & { pair_id: number }
      return [json.pair_id, json] as const
    }),
)

/**
 * A fixture test pair scored with predictions given as offsets from its ground truth; an offset
 * of null is a missing prediction.
 */
export function scored(pairId: number, offsets: (Xy | null)[], patch: Partial<ScoredPair> = {}): ScoredPair {
  const p = fixturePairs.get(pairId)
  if (!p) throw new Error(`no fixture test pair ${pairId}`)
  if (offsets.length !== p.trg_kps.length) throw new Error(`pair ${pairId} has ${p.trg_kps.length} keypoints`)
  return {
    split: 'test',
    name: p.filename,
    category: p.category,
    flags: { viewpoint_variation: p.viewpoint_variation, scale_variation: p.scale_variation, truncation: p.truncation, occlusion: p.occlusion },
    kpsIds: p.kps_ids.map(Number),
    trgKps: p.trg_kps,
    trgBbox: p.trg_bndbox,
    trgImageSize: [p.trg_imsize[0], p.trg_imsize[1]],
    predicted: offsets.map((d, i) => {
      const gt = p.trg_kps[i] as [number, number]
      return d === null ? null : [gt[0] + d[0], gt[1] + d[1]]
    }),
    ...patch,
  }
}

/**
 * SPAIR.md §9 scenario on the four fixture test pairs (le; T = max bbox side of the target):
 *   pair 1 cat     T=100 N=3: 10 px ((6,8)), 9 px, 11 px          correct @0.05/0.1/0.15 = 0/2/3
 *   pair 2 cat     T=420 N=3: 0 px, 30 px, missing                 1/2/2
 *   pair 3 bicycle T=270 N=2: 5 px ((3,4)), 100 px                 1/1/1
 *   pair 5 bicycle T=280 N=4: 0 px, 20 px, missing (NaN), 25 px    1/3/3
 */
export const SCENARIO: readonly ScoredPair[] = [
  scored(1, [[6, 8], [9, 0], [11, 0]]),
  scored(2, [[0, 0], [0, 30], null]),
  scored(3, [[3, 4], [0, -100]]),
  scored(5, [[0, 0], [20, 0], [NaN, 5], [0, 25]]),
]
