import { describe, expect, it } from 'vitest'
import { parseImageAnnotation } from '../../../../src/main/datasets/spair/image-annotation'
import { parsePairAnnotation } from '../../../../src/main/datasets/spair/pair-annotation'
import { checkPairAgainstImages } from '../../../../src/main/datasets/spair/pair-consistency'
import type { SpairImage, SpairPair } from '../../../../src/main/datasets/spair/types'
import { collector, fixtureJson, where } from './helpers'

const NAME = '000001-2008_000001-2008_000002:cat'
const FILE = `PairAnnotation/test/${NAME}.json`

function image(stem: string): SpairImage {
  const rel = `ImageAnnotation/cat/${stem}.json`
  const parsed = parseImageAnnotation(JSON.stringify(fixtureJson(rel)), { file: rel, folder: 'cat', stem }, () => {})
  if (!parsed) throw new Error(`fixture ${rel} did not parse`)
  return parsed
}

function check(mutate: (j: Record<string, unknown>) => Record<string, unknown> = (j) => j) {
  const c = collector()
  const pair = parsePairAnnotation(JSON.stringify(mutate(fixtureJson(FILE))), { file: FILE, split: 'test', stem: NAME }, ['cat'], c.warn) as SpairPair
  checkPairAgainstImages(pair, image('2008_000001'), image('2008_000002'), c.warn)
  return c.warnings
}

describe('checkPairAgainstImages', () => {
  it('finds nothing to say about the fixture pair', () => {
    expect(check()).toEqual([])
  })

  it('warns once per side when the pair keypoints disagree with the image annotation', () => {
    const warnings = check((j) => ({ ...j, trg_kps: [[1, 1], ...(j.trg_kps as unknown[]).slice(1)] }))
    expect(where(warnings)).toEqual([[FILE, 'trg_kps']])
    expect(warnings[0]?.message).toMatch(/1 of 3 rows disagree with ImageAnnotation\/cat\/2008_000002.json; first: row 0 \(id 0\)/)
  })

  it('warns when a pair row uses a keypoint the image does not annotate', () => {
    const warnings = check((j) => ({ ...j, kps_ids: ['0', '2', '4'] }))
    expect(where(warnings)).toEqual([
      [FILE, 'src_kps'],
      [FILE, 'trg_kps'],
    ])
    expect(warnings[0]?.message).toMatch(/id 4.*no keypoint/)
  })

  it('warns on an imsize or a bndbox that differs from the image annotation', () => {
    const warnings = check((j) => ({ ...j, trg_imsize: [500, 375, 3], src_bndbox: [0, 0, 10, 10] }))
    expect(where(warnings)).toEqual([
      [FILE, 'src_bndbox'],
      [FILE, 'trg_imsize'],
    ])
  })
})
