import type { CubSampling } from '../../../shared/ipc/channels/datasets'
import { Rng } from '../synthetic/random'
import type { Point } from '../spair/types'

export type { CubSampling }

/**
 * 50 ordered pairs per species from the test split: 10,000 pairs over the 200 species, the size
 * of the random test-pair sets of the keypoint-transfer evaluations (A-CSM's 10,000 pairs).
 * Val is 10 % of each species' training images (3 of 30), enough pairs for the hybrid method to
 * choose its weight on.
 */
export const DEFAULT_CUB_SAMPLING: CubSampling = { seed: 0, pairsPerSpecies: 50, valFraction: 0.1 }

/** The training images of one species that become val: a seeded draw, independent of every other species. */
export function carveVal<T>(species: string, trainImages: readonly T[], s: CubSampling): Set<T> {
  if (trainImages.length < 2 || s.valFraction <= 0) return new Set()
  const n = Math.min(trainImages.length - 1, Math.max(1, Math.round(trainImages.length * s.valFraction)))
  return new Set(new Rng(s.seed, 'cub-val', species).shuffle([...trainImages]).slice(0, n))
}

export interface Sampled<T> {
  src: T
  trg: T
  ids: number[]
}

/**
 * Up to `pairsPerSpecies` ordered pairs (src != trg, each at most once) of one species and split,
 * drawn by a seeded shuffle of all ordered pairs; pairs sharing no visible part are passed over.
 */
export function samplePairs<T extends { keypoints: readonly (Point | null)[] }>(
  species: string,
  split: string,
  images: readonly T[],
  s: CubSampling,
): Sampled<T>[] {
  const all: [number, number][] = []
  for (let i = 0; i < images.length; i++) for (let j = 0; j < images.length; j++) if (i !== j) all.push([i, j])
  new Rng(s.seed, 'cub-pairs', split, species).shuffle(all)
  const out: Sampled<T>[] = []
  for (const [i, j] of all) {
    if (out.length >= s.pairsPerSpecies) break
    const src = images[i]!
    const trg = images[j]!
    const ids: number[] = []
    for (let id = 0; id < src.keypoints.length; id++) if (src.keypoints[id] && trg.keypoints[id]) ids.push(id)
    if (ids.length > 0) out.push({ src, trg, ids })
  }
  return out
}
