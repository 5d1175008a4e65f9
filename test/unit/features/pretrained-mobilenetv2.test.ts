import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackbone } from '../../../src/main/features/backbones/create-backbone'
import type { Backbone } from '../../../src/main/features/backbones/types'
import { expectDeterministicWithoutLeaks, expectSemanticCorrespondence, expectUnitCells } from './pretrained-checks'
import { texturedAnimal, twoCrops } from './textured-object'

const scene = texturedAnimal()
let b: Backbone

// 224 rather than the default 320 keeps the file fast; the default is checked without running.
beforeAll(async () => {
  b = await createBackbone('mobilenetv2', { size: 224 })
})
afterAll(() => b.dispose())

describe('mobilenetv2 backbone', () => {
  it('builds a hypercolumn of the four expand_relu layers on the stride-16 grid', async () => {
    const info = b.describe()
    expect(info).toMatchObject({ id: 'mobilenetv2', kind: 'pretrained', inputSize: 224, channels: 192 + 384 + 576 + 960, grid: { height: 14, width: 14 }, stride: 16 })
    expect(info.layers).toEqual(['block_6_expand_relu', 'block_10_expand_relu', 'block_13_expand_relu', 'block_16_expand_relu'])
    expect(['onnx-cpu', 'onnx-cuda']).toContain(info.backend) // the default runtime; tfjs is held equal in pretrained-onnx.test.ts
    const [map] = await b.extract([twoCrops(scene, 224).a])
    expect([map!.channels, map!.height, map!.width, map!.stride]).toEqual([2112, 14, 14, 16])
    expectUnitCells(map!)
  })

  it('is deterministic and leaks no tensors', async () => {
    await expectDeterministicWithoutLeaks(b, scene)
  })

  it('matches the same spot of an object across two different crops', async () => {
    await expectSemanticCorrespondence(b, scene)
  })

  it('takes other layers and sizes, and names the problem with bad ones', async () => {
    const one = await createBackbone('mobilenetv2', { size: 96, layers: ['block_3_expand_relu'] })
    expect(one.describe()).toMatchObject({ channels: 144, grid: { height: 24, width: 24 }, stride: 4, layers: ['block_3_expand_relu'] })
    expect(one.settingsHash).not.toBe(b.settingsHash)
    const [map] = await one.extract([twoCrops(scene, 96).a])
    expectUnitCells(map!)
    one.dispose()
    await expect(createBackbone('mobilenetv2', { layers: ['block_99'] })).rejects.toThrow(/mobilenetv2: unknown layer\(s\) block_99; layers that work well: .*block_6_expand_relu/)
    await expect(createBackbone('mobilenetv2', { size: 16 })).rejects.toThrow(/mobilenetv2: input size must be an integer in \[32, 1024\], got 16/)
  })

  it('refuses images of the wrong size', async () => {
    await expect(b.extract([twoCrops(scene, 200).a])).rejects.toThrow(/mobilenetv2: input 0 is 200 x 200, expected 224 x 224/)
  })
})
