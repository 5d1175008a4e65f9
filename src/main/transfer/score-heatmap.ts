import type { Heatmap } from '../../shared/ipc/channels/transfer'
import { hybridScores } from '../engine/correspondence/hybrid-refine'
import type { MeshPrior } from '../engine/correspondence/hybrid-refine'
import type { FeatureMap } from '../features/backbones/types'
import type { CropTransform } from '../images/crop-square'
import { sampleFeature, similarityMap } from './nn-match'

/** An image-pixel box in the target's crop pixels: where a method searches. */
export function cropRegion(t: CropTransform, [x1, y1, x2, y2]: readonly [number, number, number, number]): [number, number, number, number] {
  const [rx1, ry1] = t.toCrop([x1, y1])
  const [rx2, ry2] = t.toCrop([x2, y2])
  return [rx1, ry1, rx2, ry2]
}

/**
 * A score grid covering the target's crop, as the Transfer view draws it. JSON has no
 * -Infinity: positions a method does not search take the lowest score it did search, which
 * the view draws nearly clear and which can never be the argmax.
 */
function heatmapOf(values: ArrayLike<number>, width: number, height: number, t: CropTransform, kind: Heatmap['kind'], lambda: number | null): Heatmap {
  let low = Number.POSITIVE_INFINITY
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!) && values[i]! < low) low = values[i]!
  const out = Array.from(values, (v) => (Number.isFinite(v) ? v : Number.isFinite(low) ? low : 0))
  return { width, height, values: out, kind, lambda, crop: { x: t.offsetX, y: t.offsetY, side: t.size / t.scale } }
}

/** Cosine similarity of a source point's feature to every target cell: what an NN method matches against. */
export function similarityHeatmap(src: FeatureMap, srcCrop: readonly [number, number], trg: FeatureMap, trgT: CropTransform): Heatmap {
  return heatmapOf(similarityMap(trg, sampleFeature(src, srcCrop[0], srcCrop[1])), trg.width, trg.height, trgT, 'similarity', null)
}

/**
 * The hybrid's score at every position it searches (METHOD §6: similarity minus lambda d^2 /
 * (2 0.15^2) to the mesh prediction): its argmax is the hybrid's prediction.
 */
export function hybridHeatmap(
  src: FeatureMap,
  srcCrop: readonly [number, number],
  trg: FeatureMap,
  trgT: CropTransform,
  meshCrop: MeshPrior,
  lambda: number,
  region: readonly [number, number, number, number],
): Heatmap {
  const scores = hybridScores(src, srcCrop, trg, meshCrop, lambda, { region })
  return heatmapOf(scores.values, scores.width, scores.height, trgT, 'hybrid', lambda)
}
