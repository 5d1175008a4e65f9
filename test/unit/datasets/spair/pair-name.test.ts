import { describe, expect, it } from 'vitest'
import { canonicalPairName, pairNameOf } from '../../../../src/main/datasets/spair/pair-name'

describe('pair names', () => {
  const cats = ['aeroplane', 'cat', 'pottedplant', 'plant']

  it('keeps names that already use `:`', () => {
    expect(canonicalPairName('000001-2008_002719-2008_004100:aeroplane', cats)).toBe('000001-2008_002719-2008_004100:aeroplane')
  })

  it('turns the `_` variant into `:` using the known categories, not the last underscore', () => {
    expect(canonicalPairName('000001-2008_002719-2008_004100_aeroplane', cats)).toBe('000001-2008_002719-2008_004100:aeroplane')
  })

  it('prefers the longest category that ends the name', () => {
    expect(canonicalPairName('000007-2009_000001-2009_000002_pottedplant', cats)).toBe('000007-2009_000001-2009_000002:pottedplant')
  })

  it('leaves a name without a known category as it is', () => {
    expect(canonicalPairName('000001-2008_002719-2008_004100_dog', cats)).toBe('000001-2008_002719-2008_004100_dog')
  })

  it('builds names with a 6-digit zero-padded pair_id', () => {
    expect(pairNameOf(5, '2010_000005', '2010_000004', 'bicycle')).toBe('000005-2010_000005-2010_000004:bicycle')
  })
})
