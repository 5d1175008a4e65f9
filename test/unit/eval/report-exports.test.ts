import { describe, expect, it } from 'vitest'
import { pckPlotSvg } from '../../../src/shared/eval/pck-plot-svg'
import { evaluatePck } from '../../../src/shared/eval/pck-report'
import type { PckOptions, PckReport, ScoredPair } from '../../../src/shared/eval/pck-types'
import { reportsToCsv, reportsToMarkdown } from '../../../src/shared/eval/report-tables'
import { SCENARIO } from './fixture-pairs'

const reportOf = (method: string, pairs: readonly ScoredPair[], options?: PckOptions): PckReport =>
  evaluatePck(pairs, { method, dataset: 'fixture', split: 'test', cache: 'miss' }, options).report

// @0.1 per image: bicycle 5/8, cat 2/3, mean of categories 31/48, over all pairs 31/48.
const ours = reportOf('ours', SCENARIO)
// Pairs 1, 2, 5 @0.1: bicycle 3/4, cat 2/3, mean 17/24, all pairs 25/36; per point: bicycle 3/4, cat 4/6, mean 17/24, all 7/10.
const base = reportOf('base, "v2"', [SCENARIO[0], SCENARIO[1], SCENARIO[3]] as ScoredPair[])
// Only cat, and only alpha 0.05: empty cells elsewhere.
const catOnly = reportOf('cat|only', [SCENARIO[0], SCENARIO[1]] as ScoredPair[], { alphas: [0.05] })

describe('CSV', () => {
  it('writes one row per method, categories then mean and all, at alpha 0.1 per image by default', () => {
    expect(reportsToCsv([ours, base, catOnly])).toBe(
      ['method,bicycle,cat,mean,all', 'ours,0.625000,0.666667,0.645833,0.645833', '"base, ""v2""",0.750000,0.666667,0.708333,0.694444', 'cat|only,,,,', ''].join('\n'),
    )
  })

  it('takes the alpha (matched by value) and the measure', () => {
    expect(reportsToCsv([base], { measure: 'perPoint', alpha: '0.10' })).toBe('method,bicycle,cat,mean,all\n"base, ""v2""",0.750000,0.666667,0.708333,0.700000\n')
    // cat @0.05: pairs 1 and 2 at 0/3 and 1/3.
    expect(reportsToCsv([catOnly], { alpha: 0.05 })).toBe('method,cat,mean,all\ncat|only,0.166667,0.166667,0.166667\n')
  })
})

describe('Markdown', () => {
  it('writes a captioned table in percent with escaped pipes and a dash for missing values', () => {
    expect(reportsToMarkdown([ours, base, catOnly])).toBe(
      [
        'PCK@0.1, per image, %, threshold bbox, err <= alpha*T',
        '',
        '| method | bicycle | cat | mean | all |',
        '|---|---:|---:|---:|---:|',
        '| ours | 62.5 | 66.7 | 64.6 | 64.6 |',
        '| base, "v2" | 75.0 | 66.7 | 70.8 | 69.4 |',
        '| cat\\|only | – | – | – | – |',
        '',
      ].join('\n'),
    )
  })

  it('shows mixed conventions in the caption, a warning that the rows are not comparable', () => {
    const strict = reportOf('strict', SCENARIO, { compare: 'lt', threshold: 'image' })
    expect(reportsToMarkdown([ours, strict], { measure: 'perPoint' }).split('\n')[0]).toBe(
      'PCK@0.1, per point, %, threshold bbox / image, err <= alpha*T / err < alpha*T',
    )
  })
})

/** Tag names in document order, with '/' for a closing tag; self-closing tags are left out. */
function checkWellFormed(svg: string): void {
  const stack: string[] = []
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/g)) {
    const [, close, name, , selfClose] = m
    if (selfClose) continue
    if (close) expect(stack.pop()).toBe(name)
    else stack.push(name as string)
  }
  expect(stack).toEqual([])
  // Nothing that looks like markup was left unmatched by the tag pattern, and every & is an entity.
  expect(svg.replace(/<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/g, '')).not.toMatch(/[<>]/)
  expect(svg).not.toMatch(/&(?!(amp|lt|gt|quot);)/)
}

describe('SVG plot', () => {
  const strict = reportOf('<&> strict', SCENARIO, { compare: 'lt' })
  const svg = pckPlotSvg([ours, base, strict], { title: 'PCK on "fixture" & more' })

  it('is well-formed XML with an svg root', () => {
    checkWellFormed(svg)
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
  })

  it('draws one polyline per method with one vertex per alpha, in distinct colours', () => {
    const polylines = [...svg.matchAll(/<polyline [^>]*stroke="([^"]+)"[^>]*points="([^"]+)"/g)]
    expect(polylines).toHaveLength(3)
    expect(new Set(polylines.map((m) => m[1])).size).toBe(3)
    for (const m of polylines) {
      const xy = (m[2] as string).split(' ').map((p) => p.split(',').map(Number))
      expect(xy).toHaveLength(3)
      expect(xy.flat().every(Number.isFinite)).toBe(true)
      // x grows with alpha.
      expect(xy.map((p) => p[0])).toEqual([...xy.map((p) => p[0] as number)].sort((a, b) => a - b))
    }
  })

  it('places the vertices at the reported values', () => {
    // Plot area: y = 44 (100 %) to 348 (0 %); ours @0.15 per image = 35/48.
    const ys = ((/<polyline [^>]*points="([^"]+)"/.exec(svg)?.[1] ?? '').split(' ').map((p) => Number(p.split(',')[1])))
    expect(ys[2]).toBeCloseTo(348 - (35 / 48) * 304, 0)
    expect(ys[0]).toBeCloseTo(348 - (13 / 48) * 304, 0)
  })

  it('has a title, axis labels, ticks for every alpha and an escaped legend', () => {
    expect(svg).toContain('>PCK on &quot;fixture&quot; &amp; more</text>')
    expect(svg).toContain('>&lt;&amp;&gt; strict</text>')
    expect(svg).toContain('>ours</text>')
    for (const label of ['0', '0.05', '0.1', '0.15', 'alpha', 'PCK (%)', '100']) expect(svg).toContain(`>${label}</text>`)
  })
})
