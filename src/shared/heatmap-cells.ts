import type { Point } from './ipc/channels/datasets'
import type { Heatmap } from './ipc/channels/transfer'

// A score map's cells in target image pixels, here rather than in the view so that the services'
// tests check the argmax with the very arithmetic the view draws it with.

/** Image pixels per similarity-map cell. */
export function cellSize(map: Pick<Heatmap, 'width' | 'crop'>): number {
  return map.crop.side / map.width
}

/** The image point at the centre of cell `index` (row-major). */
export function cellCentre(map: Pick<Heatmap, 'width' | 'crop'>, index: number): Point {
  const c = cellSize(map)
  return [map.crop.x + ((index % map.width) + 0.5) * c, map.crop.y + (Math.floor(index / map.width) + 0.5) * c]
}

/** The best cell of a map (the first of equal ones): where an NN method's argmax lies, and the hybrid's prediction. */
export function peakCell(values: readonly number[]): number {
  let best = -1
  let v = -Infinity
  for (let i = 0; i < values.length; i++) {
    if (values[i]! > v) {
      v = values[i]!
      best = i
    }
  }
  return best
}
