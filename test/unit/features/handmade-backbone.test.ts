import { describe, expect, it } from 'vitest'
import { createHandmadeBackbone } from '../../../src/main/features/backbones/handmade-backbone'
import type { FeatureMap } from '../../../src/main/features/backbones/types'
import { scoreCorrespondence, texturedAnimal, twoCrops } from './textured-object'

function cellNorms(m: FeatureMap): number[] {
  const cells = m.height * m.width
  return Array.from({ length: cells }, (_, p) => {
    let s = 0
    for (let c = 0; c < m.channels; c++) s += m.data[c * cells + p]! ** 2
    return Math.sqrt(s)
  })
}

const scene = texturedAnimal()

describe('handmade backbone', () => {
  it('gives a stride-8 grid of unit cells at any size', async () => {
    for (const size of [224, 100]) {
      const b = createHandmadeBackbone({ size })
      const grid = Math.floor(size / 8)
      const [map] = await b.extract([twoCrops(scene, size).a])
      expect([map!.channels, map!.height, map!.width]).toEqual([105, grid, grid])
      expect(map!.stride).toBeCloseTo(size / grid, 12)
      expect(b.describe()).toMatchObject({ kind: 'handmade', backend: 'js', inputSize: size, channels: 105 })
      for (const n of cellNorms(map!)) expect(n).toBeCloseTo(1, 5)
    }
  })

  it('is deterministic', async () => {
    const b = createHandmadeBackbone()
    const { a } = twoCrops(scene, 224)
    const [m1] = await b.extract([a])
    const [m2] = await createHandmadeBackbone().extract([a])
    expect(m1!.data).toEqual(m2!.data)
  })

  it('matches the same spot of an object across two different crops', async () => {
    const b = createHandmadeBackbone()
    const crops = twoCrops(scene, 224)
    const [fa, fb] = await b.extract([crops.a, crops.b])
    const s = scoreCorrespondence(scene, crops, fa!, fb!)
    expect(s.points).toBeGreaterThan(100)
    expect(s.corresponding - s.random).toBeGreaterThan(0.25)
    expect(s.nnHits).toBeGreaterThan(Math.max(0.35, 10 * s.chance))
  })

  it('says it is weaker than a learned backbone', () => {
    expect(createHandmadeBackbone().describe().description).toMatch(/Weaker than the pretrained backbones/)
  })

  it('refuses sizes it cannot tile and images of the wrong size', async () => {
    expect(() => createHandmadeBackbone({ size: 40 })).toThrow(/handmade: input size must be an integer in \[64, 2048\], got 40/)
    await expect(createHandmadeBackbone({ size: 128 }).extract([twoCrops(scene, 96).a])).rejects.toThrow(/input 0 is 96 x 96, expected 128 x 128/)
  })

  it('changes its settings hash with the size only', () => {
    expect(createHandmadeBackbone({ size: 224 }).settingsHash).toBe(createHandmadeBackbone().settingsHash)
    expect(createHandmadeBackbone({ size: 160 }).settingsHash).not.toBe(createHandmadeBackbone().settingsHash)
  })
})
