import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { absoluteMethod } from '../../../src/main/cli/method-name'

describe('absoluteMethod', () => {
  it('makes local model and prediction paths absolute, and leaves hub names alone', () => {
    expect(absoluteMethod('nn-models/dino.onnx')).toBe(`nn-${resolve('models/dino.onnx')}`)
    expect(absoluteMethod('predictions:p.jsonl')).toBe(`predictions:${resolve('p.jsonl')}`)
    expect(absoluteMethod('nn-hf:onnx-community/dinov2-small:onnx/model_fp16.onnx')).toBe('nn-hf:onnx-community/dinov2-small:onnx/model_fp16.onnx')
    expect(absoluteMethod('nn-pretrained')).toBe('nn-pretrained')
  })
})
