import { describe, expect, it } from 'vitest'
import { hybridRefine } from '../../../src/main/engine/correspondence/hybrid-refine'
import type { FeatureMap } from '../../../src/main/features/backbones/types'
import { makeCropTransform } from '../../../src/main/images/crop-square'
import { nnMatch } from '../../../src/main/transfer/nn-match'
import { cropRegion, hybridHeatmap, similarityHeatmap } from '../../../src/main/transfer/score-heatmap'
import { cellCentre, peakCell } from '../../../src/shared/heatmap-cells'

/** Unit vectors from a fixed LCG: features with no structure, so that the argmax is a real search. */
function randomMap(h: number, w: number, stride: number, channels: number, seed: number): FeatureMap {
  let state = seed
  const next = (): number => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1
  const data = new Float32Array(channels * h * w)
  for (let k = 0; k < h * w; k++) {
    let norm = 0
    for (let c = 0; c < channels; c++) norm += (data[c * h * w + k] = next()) ** 2
    for (let c = 0; c < channels; c++) data[c * h * w + k]! /= Math.sqrt(norm)
  }
  return { channels, height: h, width: w, stride, data }
}

const src = randomMap(5, 5, 8, 6, 1)
const trg = randomMap(5, 5, 8, 6, 2)
// The target crop (40 px) covers 80 x 80 image pixels from (10, -5).
const trgT = makeCropTransform(40, 0.5, 10, -5)
const region = cropRegion(trgT, [14, 0, 80, 70])
const point: [number, number] = [13, 22]

function heatmapPeak(lambda: number, mesh: [number, number] | null): { peak: [number, number]; hybrid: [number, number] } {
  const map = hybridHeatmap(src, point, trg, trgT, mesh, lambda, region)
  expect(map.values).toHaveLength(map.width * map.height)
  expect(map.values.every(Number.isFinite)).toBe(true)
  const [hybrid] = hybridRefine(src, [point], trg, [mesh], lambda, { region })
  return { peak: cellCentre(map, peakCell(map.values)), hybrid: trgT.toImage(hybrid!) }
}

describe('score maps the Transfer view draws', () => {
  it("peaks at the hybrid's prediction, also where the distance penalty moves it away from the NN match", () => {
    const mesh: [number, number] = [34, 30]
    for (const lambda of [0, 0.03, 0.3, 1]) {
      const { peak, hybrid } = heatmapPeak(lambda, mesh)
      expect(peak[0]).toBeCloseTo(hybrid[0], 9)
      expect(peak[1]).toBeCloseTo(hybrid[1], 9)
    }
    const [nn] = nnMatch(src, [point], trg, { region })
    expect(heatmapPeak(0, mesh).hybrid).toEqual(trgT.toImage(nn!))
    // The case is not trivial: a strong penalty pulls the hybrid off the 2-D match.
    expect(heatmapPeak(1, mesh).hybrid).not.toEqual(trgT.toImage(nn!))
  })

  it('draws positions the hybrid does not search at its lowest searched score, never above it', () => {
    const map = hybridHeatmap(src, point, trg, trgT, [34, 30], 0.3, region)
    const low = Math.min(...map.values)
    const outside = map.values.filter((_, i) => {
      const [x, y] = cellCentre(map, i)
      const [cx, cy] = trgT.toCrop([x, y])
      return cx < region[0] || cy < region[1] || cx > region[2] || cy > region[3]
    })
    expect(outside.length).toBeGreaterThan(0)
    expect(outside.every((v) => v === low)).toBe(true)
    expect(map).toMatchObject({ kind: 'hybrid', lambda: 0.3, width: 20, height: 20, crop: { x: 10, y: -5, side: 80 } })
  })

  it('gives NN methods the cosine similarity per feature cell', () => {
    const map = similarityHeatmap(src, point, trg, trgT)
    expect(map).toMatchObject({ kind: 'similarity', lambda: null, width: 5, height: 5 })
    expect(Math.max(...map.values)).toBeLessThanOrEqual(1 + 1e-6)
  })
})
