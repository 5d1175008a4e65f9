import { describe, expect, it } from 'vitest'
import type { PairItem } from '../../../src/shared/ipc/channels/datasets'
import { evaluatePck } from '../../../src/shared/eval/pck-report'
import { scoredPairOf } from '../../../src/shared/eval/scored-pair'

describe('scoredPairOf', () => {
  it('maps an indexed pair, its target size and predictions to evaluator input', () => {
    const item: PairItem = {
      split: 'test',
      name: '000001-2008_000001-2008_000002:cat',
      file: 'PairAnnotation/test/000001-2008_000001-2008_000002:cat.json',
      pairId: 1,
      category: 'cat',
      srcStem: '2008_000001',
      trgStem: '2008_000002',
      srcBbox: [40, 30, 460, 350],
      trgBbox: [10, 20, 110, 70],
      flags: { mirror: 0, viewpointVariation: 1, scaleVariation: 2, truncation: 3, occlusion: null },
      kpsIds: [0, 2],
      srcKps: [[40, 30], [114, 136]],
      trgKps: [[10, 20], [84, 26]],
      excluded: false,
      pairExcluded: false,
    }
    const pair = scoredPairOf(item, [375, 500], [[16, 28], null])
    expect(pair.flags).toEqual({ viewpoint_variation: 1, scale_variation: 2, truncation: 3, occlusion: null })
    expect(pair).toMatchObject({ split: 'test', name: item.name, category: 'cat', kpsIds: [0, 2], trgBbox: [10, 20, 110, 70], trgImageSize: [375, 500] })
    const r = evaluatePck([pair], { method: 'm', dataset: 'd', split: 'test', cache: 'miss' }).report
    expect(r.overall['0.1']?.perPoint).toBe(1 / 2)
    expect(Object.keys(r.flags.occlusion)).toEqual([])
  })
})
