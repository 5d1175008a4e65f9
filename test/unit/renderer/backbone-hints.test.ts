import { describe, expect, it } from 'vitest'
import { hubBackboneHints } from '../../../src/renderer/src/shell/BackboneDatalist'

describe('hubBackboneHints', () => {
  it('offers the suggested hf: names with their state, then other cached models', () => {
    const hub = {
      cacheDir: '/c/hub',
      endpoint: 'https://huggingface.co',
      offline: false,
      token: false,
      models: [
        { name: 'hf:onnx-community/dinov2-small', repo: 'onnx-community/dinov2-small', file: 'onnx/model.onnx', commit: 'a'.repeat(40), refs: ['main'], bytes: 88_600_000 },
        { name: 'hf:org/m:onnx/model_fp16.onnx', repo: 'org/m', file: 'onnx/model_fp16.onnx', commit: 'b'.repeat(40), refs: ['main'], bytes: 44_000_000 },
      ],
      suggestions: [
        { name: 'hf:onnx-community/dinov2-small', cachedBytes: 88_600_000 },
        { name: 'hf:onnx-community/dinov2-base', cachedBytes: null },
      ],
    }
    expect(hubBackboneHints(hub)).toEqual([
      { value: 'hf:onnx-community/dinov2-small', label: 'cached, 88.6 MB' },
      { value: 'hf:onnx-community/dinov2-base', label: 'downloaded on first use' },
      { value: 'hf:org/m:onnx/model_fp16.onnx', label: 'cached, 44.0 MB' },
    ])
    expect(hubBackboneHints({ ...hub, offline: true })[1]).toEqual({ value: 'hf:onnx-community/dinov2-base', label: 'not cached (HF_HUB_OFFLINE is set)' })
    expect(hubBackboneHints(null)).toEqual([])
  })
})
