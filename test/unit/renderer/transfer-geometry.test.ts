import { describe, expect, it } from 'vitest'
import {
  cellAt,
  cellCentre,
  heatmapBox,
  heatmapRgba,
  nearestKeypoint,
  peakCell,
  pckThreshold,
  toImagePoint,
  toScreen,
} from '../../../src/renderer/src/views/transfer/transfer-geometry'
import { fitView, zoomAt } from '../../../src/renderer/src/views/image/view-transform'

// A 4 x 4 map over a 200 px square crop that starts 20 px above the image (padding): 50 px cells.
const map = { width: 4, height: 4, crop: { x: 0, y: -20, side: 200 } }

describe('screen <-> image', () => {
  it('round-trips through a fitted and a zoomed view', () => {
    for (const view of [fitView(800, 600, 500, 375), zoomAt(fitView(800, 600, 500, 375), 3.7, 123, 456)]) {
      const s = toScreen(view, [137.5, 42.25])
      const [x, y] = toImagePoint(view, s[0], s[1])
      expect(x).toBeCloseTo(137.5, 9)
      expect(y).toBeCloseTo(42.25, 9)
    }
  })
  it('maps the image origin to the translation and scales distances by s', () => {
    const view = { s: 2, tx: 10, ty: -5 }
    expect(toScreen(view, [0, 0])).toEqual([10, -5])
    expect(toScreen(view, [3, 4])).toEqual([16, 3])
  })
})

describe('image <-> similarity-map cells', () => {
  it('centres cells in image pixels, crop offset included', () => {
    expect(cellCentre(map, 0)).toEqual([25, 5])
    expect(cellCentre(map, 5)).toEqual([75, 55])
    expect(cellCentre(map, 15)).toEqual([175, 155])
  })
  it('finds the cell under a point and nothing outside the crop', () => {
    expect(cellAt(map, [25, 5])).toBe(0)
    expect(cellAt(map, [199.9, 179.9])).toBe(15)
    expect(cellAt(map, [60, -19])).toBe(1)
    expect(cellAt(map, [60, -21])).toBeNull()
    expect(cellAt(map, [200, 0])).toBeNull()
    for (let i = 0; i < 16; i++) expect(cellAt(map, cellCentre(map, i))).toBe(i)
  })
  it('places the canvas over the whole crop', () => {
    expect(heatmapBox(map)).toEqual({ left: 0, top: -20, width: 200, height: 200 })
  })
  it('finds the peak', () => {
    expect(peakCell([0.1, 0.9, -1, 0.9])).toBe(1)
  })
})

describe('heatmap colours', () => {
  it('normalises to the map range: the peak is opaque, the minimum almost clear, NaN clear', () => {
    const px = heatmapRgba([-0.2, 0.4, 1, NaN], 200)
    expect(px).toHaveLength(16)
    expect(px[3]).toBe(12)
    expect(px[11]).toBe(200)
    expect(px[15]).toBe(0)
    expect([px[8], px[9], px[10]]).toEqual([252, 255, 164])
    expect(px[7]!).toBeGreaterThan(px[3]!)
  })
  it('draws a flat map evenly instead of dividing by zero', () => {
    const px = heatmapRgba([0.5, 0.5])
    expect(px[3]).toBe(px[7])
    expect(px[3]).toBeGreaterThan(0)
  })
})

describe('picking and PCK radius', () => {
  it('snaps to the nearest keypoint within the radius only', () => {
    const kps: ([number, number] | null)[] = [[10, 10], null, [14, 10], [100, 100]]
    expect(nearestKeypoint([13, 10], kps, 5)).toBe(2)
    expect(nearestKeypoint([11, 10], kps, 5)).toBe(0)
    expect(nearestKeypoint([50, 50], kps, 5)).toBeNull()
  })
  it('uses the max side of the target box, or of the image without a usable box', () => {
    expect(pckThreshold([10, 20, 110, 70], [500, 375])).toBe(100)
    expect(pckThreshold(null, [500, 375])).toBe(500)
    expect(pckThreshold([5, 5, 5, 5], [300, 400])).toBe(400)
  })
})
