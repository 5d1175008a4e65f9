import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackbone } from '../../../src/main/features/backbones/create-backbone'
import type { Backbone } from '../../../src/main/features/backbones/types'
import { expectDeterministicWithoutLeaks, expectSemanticCorrespondence, expectUnitCells } from './pretrained-checks'
import { texturedAnimal, twoCrops } from './textured-object'

const scene = texturedAnimal()
let b: Backbone

// `pretrained` is loaded at its defaults, which makes this the check of the default choice.
beforeAll(async () => {
  b = await createBackbone('pretrained')
})
afterAll(() => b.dispose())

describe('pretrained (inceptionv3) backbone', () => {
  it('is InceptionV3 at 299 with mixed4 + mixed5 + mixed7 on a 17 x 17 grid', async () => {
    const info = b.describe()
    expect(info).toMatchObject({ id: 'inceptionv3', kind: 'pretrained', inputSize: 299, channels: 3 * 768, grid: { height: 17, width: 17 } })
    expect(info.stride).toBeCloseTo(299 / 17, 12)
    expect(info.layers).toEqual(['mixed4', 'mixed5', 'mixed7'])
    expect(info.description).toMatch(/InceptionV3/)
    const [map] = await b.extract([twoCrops(scene, 299).a])
    expect([map!.channels, map!.height, map!.width]).toEqual([2304, 17, 17])
    expectUnitCells(map!)
  })

  it('is deterministic and leaks no tensors', async () => {
    await expectDeterministicWithoutLeaks(b, scene)
  })

  it('matches the same spot of an object across two different crops', async () => {
    await expectSemanticCorrespondence(b, scene)
  })

  it('shares its settings hash with the concrete id, which a different size changes', async () => {
    // Loading the same weights again is cheap next to running them.
    const same = await createBackbone('inceptionv3')
    expect(same.settingsHash).toBe(b.settingsHash)
    same.dispose()
    const small = await createBackbone('inceptionv3', { size: 160 })
    expect(small.describe().grid).toEqual({ height: 8, width: 8 })
    expect(small.settingsHash).not.toBe(b.settingsHash)
    small.dispose()
  })
})
