import { describe, expect, it } from 'vitest'
import { parsePairAnnotation } from '../../../../src/main/datasets/spair/pair-annotation'
import { collector, fixtureJson, where } from './helpers'

const NAME = '000003-2010_000004-2010_000005:bicycle'
const FILE = `PairAnnotation/test/${NAME}.json`
const at = { file: FILE, split: 'test' as const, stem: NAME }
const CATS = ['cat', 'bicycle']
const base = (): Record<string, unknown> => fixtureJson(FILE)
const parse = (json: unknown, where_ = at) => {
  const c = collector()
  const pair = parsePairAnnotation(typeof json === 'string' ? json : JSON.stringify(json), where_, CATS, c.warn)
  return { pair, warnings: c.warnings }
}

describe('parsePairAnnotation', () => {
  it('reads a well-formed pair: string ids become numbers, rows stay aligned', () => {
    const { pair, warnings } = parse(base())
    expect(warnings).toEqual([])
    expect(pair).toMatchObject({
      split: 'test',
      name: NAME,
      pairId: 3,
      category: 'bicycle',
      srcStem: '2010_000004',
      trgStem: '2010_000005',
      srcImsize: [320, 240, 3],
      trgBbox: [10, 30, 230, 300],
      flags: { mirror: 0, viewpointVariation: 2, scaleVariation: 2, truncation: 2, occlusion: 2 },
      kpsIds: [10, 13],
      srcKps: [[110, 125], [221, 74]],
      trgKps: [[160, 290], [51, 179]],
    })
  })

  it('accepts keypoint ids written as integers', () => {
    const { pair, warnings } = parse({ ...base(), kps_ids: [10, 13] })
    expect(warnings).toEqual([])
    expect(pair?.kpsIds).toEqual([10, 13])
  })

  it('maps the `_` variant of a file name to the canonical `:` name', () => {
    const stem = '000003-2010_000004-2010_000005_bicycle'
    const { pair, warnings } = parse(base(), { file: `PairAnnotation/test/${stem}.json`, split: 'test', stem })
    expect(warnings).toEqual([])
    expect(pair?.name).toBe(NAME)
  })

  const dropped: [string, (j: Record<string, unknown>) => unknown, string][] = [
    ['bad JSON', () => '{"pair_id": 3', '(json)'],
    ['missing category', (j) => ({ ...j, category: undefined }), 'category'],
    ['missing trg_imname', (j) => ({ ...j, trg_imname: undefined }), 'trg_imname'],
    ['pair_id as a string', (j) => ({ ...j, pair_id: '3' }), 'pair_id'],
    ['kps_ids not a list', (j) => ({ ...j, kps_ids: '10,13' }), 'kps_ids'],
    ['src_kps longer than kps_ids', (j) => ({ ...j, src_kps: [[1, 2], [3, 4], [5, 6]] }), 'kps_ids'],
    ['trg_kps shorter than kps_ids', (j) => ({ ...j, trg_kps: [[1, 2]] }), 'kps_ids'],
    ['a keypoint id that is not a number', (j) => ({ ...j, kps_ids: ['10', 'x'] }), 'kps_ids[1]'],
    ['a keypoint id of 30', (j) => ({ ...j, kps_ids: [10, 30] }), 'kps_ids[1]'],
    ['a repeated keypoint id', (j) => ({ ...j, kps_ids: ['13', 13] }), 'kps_ids[1]'],
    ['a src_kps row of strings', (j) => ({ ...j, src_kps: [['1', '2'], [3, 4]] }), 'src_kps[0]'],
  ]
  it.each(dropped)('skips the pair on %s, warning with file and field', (_case, mutate, field) => {
    const { pair, warnings } = parse(mutate(base()))
    expect(pair).toBeNull()
    expect(where(warnings)).toContainEqual([FILE, field])
  })

  it.each([
    ['mirror', 2],
    ['viewpoint_variation', 3],
    ['scale_variation', -1],
    ['truncation', 4],
    ['occlusion', '1'],
  ] as const)('keeps the pair with a null flag when %s is %j', (field, value) => {
    const { pair, warnings } = parse({ ...base(), [field]: value })
    expect(where(warnings)).toEqual([[FILE, field]])
    expect(Object.values(pair?.flags ?? {}).filter((v) => v === null)).toHaveLength(1)
  })

  it('warns when the file name does not match its pair_id and images, and when `filename` differs', () => {
    const stem = '000004-2010_000004-2010_000005:bicycle'
    const renamed = parse(base(), { file: `PairAnnotation/test/${stem}.json`, split: 'test', stem })
    expect(where(renamed.warnings)).toEqual([
      [`PairAnnotation/test/${stem}.json`, 'filename'],
      [`PairAnnotation/test/${stem}.json`, 'filename'],
    ])
    expect(renamed.pair?.name).toBe(stem)
  })

  it('keeps a pair with a malformed imsize or bndbox and nulls that field', () => {
    const { pair, warnings } = parse({ ...base(), src_imsize: [320], trg_bndbox: 'none' })
    expect(where(warnings)).toEqual([
      [FILE, 'src_imsize'],
      [FILE, 'trg_bndbox'],
    ])
    expect(pair?.srcImsize).toBeNull()
    expect(pair?.trgBbox).toBeNull()
  })
})
