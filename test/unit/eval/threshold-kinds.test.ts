import { describe, expect, it } from 'vitest'
import { scorePairs } from '../../../src/shared/eval/pck-score'
import { PCK_CONVENTIONS } from '../../../src/shared/eval/pck-conventions'
import type { ScoredPair } from '../../../src/shared/eval/pck-types'

const pair = (trgKps: [number, number][], predicted: [number, number][]): ScoredPair => ({
  split: 'test',
  name: 'p',
  category: 'car(G)',
  flags: { viewpoint_variation: null, scale_variation: null, truncation: null, occlusion: null },
  kpsIds: trgKps.map((_, i) => i),
  trgKps,
  trgBbox: null,
  trgImageSize: [400, 300],
  predicted,
})

describe("the keypoints' box threshold (PF-WILLOW)", () => {
  it('is the max side of the box around the target keypoints of the pair', () => {
    const kps: [number, number][] = [[10, 20], [110, 40], [60, 70]] // 100 x 50
    const s = scorePairs([pair(kps, [[20, 20], [110, 51], [60, 70]])], { alphas: [0.1], threshold: 'bbox-kp' })
    expect(s.thresholds[0]).toBe(100)
    expect(s.fallback[0]).toBe(0)
    // 10 px is a tie at 0.1 x 100 (correct with <=), 11 px is not.
    expect([...s.hits]).toEqual([1, 0, 1])
  })

  it('falls back to the image size, and says so, where the keypoints span nothing', () => {
    const s = scorePairs([pair([[10, 20]], [[10, 20]])], { alphas: [0.1], threshold: 'bbox-kp' })
    expect([s.thresholds[0], s.fallback[0]]).toEqual([400, 1])
  })

  it('is PF-WILLOW’s default; PF-PASCAL scores by the image, CUB and SPair-71k by the box', () => {
    expect([PCK_CONVENTIONS['pf-willow'].threshold, PCK_CONVENTIONS['pf-pascal'].threshold, PCK_CONVENTIONS.cub.threshold, PCK_CONVENTIONS.spair.threshold]).toEqual([
      'bbox-kp',
      'image',
      'bbox',
      'bbox',
    ])
  })
})
