import { describe, expect, it } from 'vitest'
import { hrefFor, parseHash } from '../../../src/renderer/src/shell/route'
import { filtersFromParams, imageFiltersOf, pairFiltersOf, paramsOfFilters } from '../../../src/renderer/src/views/image/filter-params'
import type { ViewFilters } from '../../../src/shared/ipc/channels/datasets'

const params = (q: string): URLSearchParams => new URLSearchParams(q)

describe('filters in the Data sets route', () => {
  it('reads typed filters from the URL, dropping values the contract would refuse', () => {
    expect(filtersFromParams(params('ds=x&tag=review&excluded=false&edited=true&split=test&occlusion=3&i=4'))).toEqual({
      split: 'test',
      tag: 'review',
      excluded: false,
      edited: true,
      occlusion: 3,
    })
    // A category or tag that looks like a number or a boolean is still text.
    expect(filtersFromParams(params('category=2010&tag=true'))).toEqual({ category: '2010', tag: 'true' })
    expect(filtersFromParams(params('excluded=maybe&occlusion=9&split=train&tag=a,b&tab=other&layout='))).toEqual({})
  })

  it('round-trips a saved view through a link, and clears what the view does not set', () => {
    const view: ViewFilters = { tab: 'pairs', category: 'cat', layout: 'small', mirror: 0, excluded: true }
    expect(filtersFromParams(parseHash(hrefFor('datasets', { ds: 'x', ...paramsOfFilters(view) })).params)).toEqual(view)
    const patch = paramsOfFilters({ tag: 'review' })
    expect(patch.tag).toBe('review')
    expect(patch.split).toBeNull()
    expect(patch.occlusion).toBeNull()
  })

  it('hands the images only their filters and the pairs only theirs (exclusion is both: a pair is excluded with its images)', () => {
    const all: ViewFilters = { tab: 'pairs', category: 'cat', split: 'val', tag: 't', excluded: false, edited: true, layout: 'large', truncation: 2 }
    expect(imageFiltersOf(all)).toEqual({ category: 'cat', split: 'val', tag: 't', excluded: false, edited: true })
    expect(pairFiltersOf(all)).toEqual({ category: 'cat', split: 'val', excluded: false, layout: 'large', truncation: 2 })
  })
})
