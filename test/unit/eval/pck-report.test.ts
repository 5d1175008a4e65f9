import { describe, expect, it } from 'vitest'
import { evaluatePck } from '../../../src/shared/eval/pck-report'
import type { PckOptions, ReportMeta, ScoredPair } from '../../../src/shared/eval/pck-types'
import { SCENARIO, scored } from './fixture-pairs'

const meta: ReportMeta = { method: 'ours', dataset: 'fixture', split: 'test', cache: 'miss' }
const report = (pairs: readonly ScoredPair[], options?: PckOptions) => evaluatePck(pairs, meta, options).report
const pair1 = (): ScoredPair => SCENARIO[0] as ScoredPair

describe('PCK of one pair (SPAIR.md §9: target bbox [10,20,110,70], T = 100)', () => {
  it('counts a prediction exactly alpha*T away as correct with le and wrong with lt', () => {
    // 10 px, 9 px and 11 px from the ground truth; alpha*T = 10 px at alpha 0.1.
    expect(report([pair1()]).overall['0.1']?.perImage).toBe(2 / 3)
    expect(report([pair1()], { compare: 'lt' }).overall['0.1']?.perImage).toBe(1 / 3)
    // 5 px at 0.05: none; 15 px at 0.15: all three.
    expect(report([pair1()]).overall['0.05']?.perImage).toBe(0)
    expect(report([pair1()]).overall['0.15']?.perImage).toBe(1)
  })

  it('treats an integer error equal to alpha*T as a tie even where alpha*T is inexact in floating point', () => {
    // 0.15 * 100 = 15.000000000000002 in doubles; (9, 12) is exactly 15 px away.
    const tie = scored(1, [[9, 12], [0, 0], [0, 0]])
    expect(report([tie], { alphas: [0.15] }).overall['0.15']?.perPoint).toBe(1)
    expect(report([tie], { alphas: [0.15], compare: 'lt' }).overall['0.15']?.perPoint).toBe(2 / 3)
  })
})

describe('aggregation over the four fixture test pairs', () => {
  const r = report(SCENARIO)

  it('writes the report in the shape of the issue, with the caller\'s meta', () => {
    expect(Object.keys(r)).toEqual(['method', 'dataset', 'split', 'threshold', 'compare', 'alphas', 'fallbacks', 'overall', 'categories', 'flags', 'keypoints', 'cache'])
    expect(r).toMatchObject({ method: 'ours', dataset: 'fixture', split: 'test', threshold: 'bbox', compare: 'le', alphas: ['0.05', '0.1', '0.15'], fallbacks: 0, cache: 'miss' })
    expect(Object.keys(r.overall)).toEqual(['0.05', '0.1', '0.15'])
    expect(Object.keys(r.categories)).toEqual(['bicycle', 'cat'])
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
  })

  it('gives per image, per point and mean of categories at every alpha', () => {
    // Pair PCKs @0.1: 2/3, 2/3, 1/2, 3/4 -> per image (8+8+6+9)/12/4 = 31/48; per point (2+2+1+3)/12 = 2/3.
    // Categories: cat (2/3+2/3)/2 = 2/3, bicycle (1/2+3/4)/2 = 5/8 -> mean (2/3+5/8)/2 = 31/48, equal to
    // per image here only because both categories have two pairs (see the next test for unequal ones).
    const o = r.overall['0.1']
    expect(o).toMatchObject({ perPoint: 2 / 3, pairs: 4, points: 12 })
    expect(o?.perImage).toBeCloseTo(31 / 48, 15)
    expect(o?.meanOfCategories).toBeCloseTo(31 / 48, 15)
    // @0.05: 0, 1/3, 1/2, 1/4 -> (0+4+6+3)/12/4 = 13/48; 3/12 points.
    expect(r.overall['0.05']?.perImage).toBeCloseTo(13 / 48, 15)
    expect(r.overall['0.05']?.perPoint).toBe(1 / 4)
    // @0.15: 1, 2/3, 1/2, 3/4 -> (12+8+6+9)/12/4 = 35/48; 9/12 points.
    expect(r.overall['0.15']?.perImage).toBeCloseTo(35 / 48, 15)
    expect(r.overall['0.15']?.perPoint).toBe(3 / 4)
  })

  it('breaks down by category', () => {
    expect(r.categories.cat?.['0.1']).toEqual({ perImage: 2 / 3, perPoint: 4 / 6, pairs: 2, points: 6 })
    expect(r.categories.bicycle?.['0.1']).toEqual({ perImage: 5 / 8, perPoint: 4 / 6, pairs: 2, points: 6 })
    // cat @0.05: pair 1 0/3, pair 2 1/3.
    expect(r.categories.cat?.['0.05']).toEqual({ perImage: 1 / 6, perPoint: 1 / 6, pairs: 2, points: 6 })
  })

  it('groups pairs by the level of each difficulty flag', () => {
    // Flags (vp, sc, trunc, occl): pair 1 (0,0,0,0), pair 2 (1,1,1,1), pair 3 (2,2,2,2), pair 5 (0,1,3,3).
    expect(r.flags.viewpoint_variation).toEqual({
      '0': expect.objectContaining({ '0.1': { perImage: (2 / 3 + 3 / 4) / 2, perPoint: 5 / 7, pairs: 2 } }),
      '1': expect.objectContaining({ '0.1': { perImage: 2 / 3, perPoint: 2 / 3, pairs: 1 } }),
      '2': expect.objectContaining({ '0.1': { perImage: 1 / 2, perPoint: 1 / 2, pairs: 1 } }),
    })
    expect(r.flags.scale_variation['1']?.['0.1']).toEqual({ perImage: (2 / 3 + 3 / 4) / 2, perPoint: 5 / 7, pairs: 2 })
    expect(r.flags.scale_variation['0']?.['0.1']?.pairs).toBe(1)
    for (const flag of ['truncation', 'occlusion'] as const) {
      expect(Object.keys(r.flags[flag])).toEqual(['0', '1', '2', '3'])
      expect(r.flags[flag]['3']?.['0.1']).toEqual({ perImage: 3 / 4, perPoint: 3 / 4, pairs: 1 })
    }
  })

  it('leaves a pair without a flag out of that flag only', () => {
    const noFlag = scored(3, [[3, 4], [0, -100]], { flags: { viewpoint_variation: null, scale_variation: 2, truncation: 2, occlusion: 2 } })
    const partial = report([pair1(), noFlag])
    expect(Object.keys(partial.flags.viewpoint_variation)).toEqual(['0'])
    expect(Object.keys(partial.flags.scale_variation)).toEqual(['0', '2'])
    expect(partial.overall['0.1']?.pairs).toBe(2)
  })

  it('breaks down by keypoint id within each category', () => {
    // cat id 0: 10 px (pair 1) and 0 px (pair 2); id 5: 11 px and missing. bicycle id 10: 5 px and missing.
    expect(r.keypoints.cat).toEqual({
      '0': { '0.05': { perPoint: 1 / 2, points: 2 }, '0.1': { perPoint: 1, points: 2 }, '0.15': { perPoint: 1, points: 2 } },
      '2': { '0.05': { perPoint: 0, points: 2 }, '0.1': { perPoint: 1, points: 2 }, '0.15': { perPoint: 1, points: 2 } },
      '5': { '0.05': { perPoint: 0, points: 2 }, '0.1': { perPoint: 0, points: 2 }, '0.15': { perPoint: 1 / 2, points: 2 } },
    })
    expect(Object.keys(r.keypoints.bicycle ?? {})).toEqual(['0', '3', '10', '13'])
    expect(r.keypoints.bicycle?.['10']?.['0.1']).toEqual({ perPoint: 1 / 2, points: 2 })
    expect(r.keypoints.bicycle?.['13']?.['0.05']).toEqual({ perPoint: 0, points: 2 })
    expect(r.keypoints.bicycle?.['13']?.['0.1']).toEqual({ perPoint: 1 / 2, points: 2 })
  })
})

describe('per image, per point and mean of categories differ with unequal N and unequal categories', () => {
  it('gives three hand-computed values', () => {
    // Pairs 1 (cat, N=3, 2 correct), 2 (cat, N=3, 2 correct), 5 (bicycle, N=4, 3 correct) @0.1:
    //   per image          = (2/3 + 2/3 + 3/4) / 3       = 25/36 ~ 0.6944
    //   per point          = (2 + 2 + 3) / (3 + 3 + 4)   = 7/10  = 0.7
    //   mean of categories = (cat 2/3 + bicycle 3/4) / 2 = 17/24 ~ 0.7083
    const o = report([SCENARIO[0], SCENARIO[1], SCENARIO[3]] as ScoredPair[]).overall['0.1']
    expect(o?.perImage).toBeCloseTo(25 / 36, 15)
    expect(o?.perPoint).toBe(7 / 10)
    expect(o?.meanOfCategories).toBeCloseTo(17 / 24, 15)
  })
})

describe('thresholds', () => {
  // Pair 1's target image is 375 x 500: T = 500 for 'image', 100 for its bbox.
  const far = scored(1, [[6, 8], [18, 24], [36, 48]]) // 10, 30 and 60 px

  it("uses alpha * max(w, h) of the target image with threshold 'image'", () => {
    const r = report([far], { threshold: 'image' })
    expect(r.threshold).toBe('image')
    // 25 / 50 / 75 px.
    expect(r.alphas.map((a) => r.overall[a]?.perPoint)).toEqual([1 / 3, 2 / 3, 1])
    expect(report([far]).overall['0.1']?.perPoint).toBe(1 / 3)
  })

  it('falls back to the image size for a pair without a usable bbox, and counts it', () => {
    const r = report([far, scored(1, [[6, 8], [18, 24], [36, 48]], { trgBbox: null }), scored(1, [[6, 8], [18, 24], [36, 48]], { trgBbox: [10, 20, 10, 20] })])
    expect(r.fallbacks).toBe(2)
    // 1/3 with T = 100, 2/3 twice with T = 500.
    expect(r.overall['0.1']?.perImage).toBeCloseTo((1 / 3 + 2 / 3 + 2 / 3) / 3, 15)
    expect(report([scored(1, [[0, 0], [0, 0], [0, 0]], { trgBbox: null })], { threshold: 'image' }).fallbacks).toBe(0)
  })

  it('scores every point of a pair with no usable bbox nor image size as wrong', () => {
    const r = report([scored(1, [[0, 0], [0, 0], [0, 0]], { trgBbox: null, trgImageSize: [0, 0] })])
    expect(r.overall['0.15']).toEqual({ perImage: 0, perPoint: 0, meanOfCategories: 0, pairs: 1, points: 3 })
  })
})

describe('missing predictions', () => {
  it('counts null, NaN, infinite and absent rows as wrong', () => {
    const base = scored(5, [[0, 0], [0, 0], [0, 0], [0, 0]])
    const gaps = { ...base, predicted: [null, [NaN, 15], [Infinity, 125]] as ScoredPair['predicted'] }
    expect(report([base]).overall['0.05']?.perPoint).toBe(1)
    expect(report([gaps]).overall['0.15']).toMatchObject({ perImage: 0, perPoint: 0, points: 4 })
  })

  it('skips pairs without keypoints instead of averaging 0/0', () => {
    const empty = scored(1, [[0, 0], [0, 0], [0, 0]], { kpsIds: [], trgKps: [], predicted: [] })
    const r = report([pair1(), empty])
    expect(r.overall['0.1']).toMatchObject({ perImage: 2 / 3, pairs: 1, points: 3 })
  })

  it('rejects a pair whose keypoint ids do not match its keypoints', () => {
    expect(() => report([scored(1, [[0, 0], [0, 0], [0, 0]], { kpsIds: [0, 2] })])).toThrow(/2 keypoint ids for 3 keypoints/)
  })
})

describe('empty input', () => {
  it('reports zeros with zero counts rather than NaN, which JSON cannot hold', () => {
    const r = report([])
    expect(r.overall['0.1']).toEqual({ perImage: 0, perPoint: 0, meanOfCategories: 0, pairs: 0, points: 0 })
    expect(r.categories).toEqual({})
    expect(r.flags).toEqual({ viewpoint_variation: {}, scale_variation: {}, truncation: {}, occlusion: {} })
  })
})
