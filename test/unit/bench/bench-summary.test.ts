import { describe, expect, it } from 'vitest'
import type { PckReport } from '../../../src/shared/eval/pck-types'
import { benchTable, combineCategoryReports, gainOver, gainTable, summarizeMethod } from '../../../src/main/services/bench/bench-summary'
import { meanStd } from '../../../src/shared/eval/gain'

function report(perImage: number, cat: Record<string, number>, vp2: number): PckReport {
  return {
    overall: { '0.1': { perImage, perPoint: perImage / 2, meanOfCategories: perImage, pairs: 1, points: 1 } },
    categories: Object.fromEntries(Object.entries(cat).map(([c, v]) => [c, { '0.1': { perImage: v, perPoint: v, pairs: 1, points: 1 } }])),
    flags: { viewpoint_variation: { '2': { '0.1': { perImage: vp2, perPoint: vp2, pairs: 1 } } } },
  } as unknown as PckReport
}

describe('bench summaries', () => {
  it('takes the mean and the sample standard deviation', () => {
    expect(meanStd([])).toEqual({ mean: 0, std: 0 })
    expect(meanStd([0.5])).toEqual({ mean: 0.5, std: 0 })
    const m = meanStd([0.2, 0.4, 0.6])
    expect(m.mean).toBeCloseTo(0.4, 12)
    expect(m.std).toBeCloseTo(0.2, 12) // sqrt(((-.2)^2 + 0 + .2^2) / 2)
  })

  it('summarises seeds per overall, category and viewpoint level', () => {
    const s = summarizeMethod([1, 2], [report(0.3, { cat: 0.2, dog: 0.4 }, 0.1), report(0.5, { cat: 0.4, dog: 0.6 }, 0.3)], '0.1')
    expect(s.seeds).toEqual([1, 2])
    expect(s.overall.perImage.mean).toBeCloseTo(0.4, 12)
    expect(s.overall.perPoint.mean).toBeCloseTo(0.2, 12)
    expect(s.categories.cat!.perImage.mean).toBeCloseTo(0.3, 12)
    expect(s.categories.dog!.perImage.std).toBeCloseTo(Math.SQRT2 * 0.1, 12)
    expect(s.viewpoint_variation['2']!.perImage.mean).toBeCloseTo(0.2, 12)
  })

  it('prints methods x categories with mean ± spread only where there are several seeds', () => {
    const one = summarizeMethod([0], [report(0.25, { cat: 0.25 }, 0.125)], '0.1')
    const two = summarizeMethod([1, 2], [report(0.3, { cat: 0.2 }, 0.1), report(0.5, { cat: 0.4 }, 0.3)], '0.1')
    const lines = benchTable({ 'nn-x': one, semagic: two }).trimEnd().split('\n')
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['method', 'cat', 'mean', 'vp=2'])
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['nn-x', '25.0', '25.0', '12.5'])
    expect(lines[3]!.split(/\s{2,}/)).toEqual(['semagic', '30.0 ± 14.1', '40.0 ± 14.1', '20.0 ± 14.1'])
  })
})

describe('combining per-category reports', () => {
  it('pools per image and per point by counts, and keeps each category', () => {
    const a = {
      overall: { '0.1': { perImage: 0.5, perPoint: 0.4, meanOfCategories: 0.5, pairs: 2, points: 10 } },
      categories: { cat: { '0.1': { perImage: 0.5, perPoint: 0.4, pairs: 2, points: 10 } } },
      flags: { viewpoint_variation: { '2': { '0.1': { perImage: 0.25, perPoint: 0, pairs: 1 } } } },
    } as unknown as PckReport
    const b = {
      overall: { '0.1': { perImage: 1, perPoint: 1, meanOfCategories: 1, pairs: 6, points: 30 } },
      categories: { dog: { '0.1': { perImage: 1, perPoint: 1, pairs: 6, points: 30 } } },
      flags: { viewpoint_variation: { '2': { '0.1': { perImage: 1, perPoint: 1, pairs: 3 } } } },
    } as unknown as PckReport
    const c = combineCategoryReports([a, b], '0.1')
    expect(c.overall['0.1']).toEqual({ perImage: (0.5 * 2 + 6) / 8, perPoint: (4 + 30) / 40, meanOfCategories: 0.75, pairs: 8, points: 40 })
    expect(Object.keys(c.categories)).toEqual(['cat', 'dog'])
    expect(c.flags.viewpoint_variation['2']!['0.1']!.perImage).toBeCloseTo((0.25 + 3) / 4, 12)
  })

  it('says per category, on the mean and per viewpoint level whether a method beats its reference beyond its spread', () => {
    const nn = summarizeMethod([0], [report(0.3, { cat: 0.3, dog: 0.5 }, 0.2)], '0.1')
    // cat: 0.35 and 0.45 -> +0.1 ± 0.0707 (helps); dog: 0.4 and 0.6 -> 0 ± 0.141 (unclear); vp=2: 0.1 and 0.12 -> -0.09 ± 0.014 (hurts).
    const hybrid = summarizeMethod([0, 1], [report(0.4, { cat: 0.35, dog: 0.4 }, 0.1), report(0.5, { cat: 0.45, dog: 0.6 }, 0.12)], '0.1')
    const g = gainOver(hybrid, nn)
    expect(Object.keys(g)).toEqual(['cat', 'dog', 'mean', 'vp=2'])
    expect(g.cat!.gain.mean).toBeCloseTo(0.1, 12)
    expect(g.cat!.gain.std).toBeCloseTo(Math.SQRT2 * 0.05, 12)
    expect(g.cat!.verdict).toBe('helps')
    expect(g.dog!.verdict).toBe('no clear difference')
    expect(g['vp=2']!.verdict).toBe('hurts')
    expect(g.mean!.gain.mean).toBeCloseTo(0.15, 12)
    // One seed: the sign decides.
    expect(gainOver(summarizeMethod([0], [report(0.3, { cat: 0.29 }, 0.2)], '0.1'), nn).cat!.verdict).toBe('hurts')
    const lines = gainTable({ 'hybrid-semagic': g }, 'nn-x').trimEnd().split('\n')
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['minus nn-x', 'cat', 'dog', 'mean', 'vp=2'])
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['hybrid-semagic', '+10.0 ± 7.1 (helps)', '+0.0 ± 14.1 (unclear)', '+15.0 ± 7.1 (helps)', '-9.0 ± 1.4 (hurts)'])
  })
})
