import { afterAll, describe, expect, it } from 'vitest'
import { BACKBONE_IDS, createBackbone, pretrainedRuntime } from '../../../src/main/features/backbones/create-backbone'
import { PRETRAINED_DEFAULT } from '../../../src/main/features/backbones/pretrained-models'
import { convMapModel, writeModel } from '../../helpers/onnx-model'
import { tempDir } from '../../helpers/temp-dir'

const dir = tempDir()
afterAll(() => dir.remove())

describe('createBackbone', () => {
  it('lists the valid ids when given an unknown one', async () => {
    expect([...BACKBONE_IDS]).toEqual(['pretrained', 'inceptionv3', 'mobilenetv2', 'handmade'])
    await expect(createBackbone('dinov3')).rejects.toThrow(
      "unknown backbone 'dinov3': use one of pretrained, inceptionv3, mobilenetv2, handmade, hf:<org>/<name>, or a path to an .onnx file",
    )
  })

  it('makes pretrained stand for InceptionV3', () => {
    expect(PRETRAINED_DEFAULT).toBe('inceptionv3')
  })

  it('runs the shipped CNNs on onnxruntime unless told tfjs, and refuses anything else', () => {
    expect(pretrainedRuntime({}, {})).toBe('onnx')
    expect(pretrainedRuntime({}, { SEMAGIC_PRETRAINED_RUNTIME: 'tfjs' })).toBe('tfjs')
    expect(pretrainedRuntime({ pretrained: 'onnx' }, { SEMAGIC_PRETRAINED_RUNTIME: 'tfjs' })).toBe('onnx')
    expect(() => pretrainedRuntime({}, { SEMAGIC_PRETRAINED_RUNTIME: 'torch' })).toThrow("SEMAGIC_PRETRAINED_RUNTIME must be onnx or tfjs, got 'torch'")
  })

  it('refuses scaling options for hf: models, whose preprocessor config sets them', async () => {
    await expect(createBackbone('hf:onnx-community/dinov2-small', { normalization: 'unit' })).rejects.toThrow('option(s) normalization do not apply')
  })

  it('builds the handmade backbone with its size', async () => {
    const b = await createBackbone('handmade', { size: 128 })
    expect(b.describe()).toMatchObject({ id: 'handmade', inputSize: 128, grid: { height: 16, width: 16 } })
  })

  it('routes .onnx paths to onnxruntime, whatever the case of the extension', async () => {
    const path = writeModel(dir.path, 'Features.ONNX', convMapModel(4))
    const b = await createBackbone(path, { size: 32, providers: ['cpu'] })
    expect(b.describe()).toMatchObject({ kind: 'onnx', backend: 'onnx-cpu', grid: { height: 8, width: 8 }, stride: 4 })
    b.dispose()
  })

  it('refuses options a backbone would silently ignore', async () => {
    await expect(createBackbone('handmade', { layers: ['x'] })).rejects.toThrow(/backbone handmade: option\(s\) layers do not apply/)
    await expect(createBackbone('mobilenetv2', { output: 'y', providers: ['cpu'] })).rejects.toThrow(/option\(s\) output, providers do not apply to pretrained/)
    await expect(createBackbone(`${dir.path}/m.onnx`, { layers: ['a'] })).rejects.toThrow(/option\(s\) layers do not apply to ONNX/)
  })
})
