import { describe, expect, it } from 'vitest'
import { decodeMethods, encodeMethods, hasHeatmap, imageKeyOf, readSelection, selectionParams, transferHref } from '../../../src/renderer/src/views/transfer/transfer-route'

describe('Transfer route parameters', () => {
  it('round-trips method names that hold commas and colons', () => {
    const methods = ['nn-handmade', 'mesh:run-1', 'nn-/models/a,b.onnx']
    expect(decodeMethods(encodeMethods(methods))).toEqual(methods)
    expect(decodeMethods('a,,a,%E0%A4%A')).toEqual(['a'])
  })
  it('reads what a link writes', () => {
    const href = transferHref({ ds: 'demo', split: 'val', pair: '000001-a-b:cat', methods: ['nn-handmade', 'hybrid:r'], rank: 'nn-handmade', alpha: 0.05, sort: 'error', desc: true })
    expect(href.startsWith('#/transfer?')).toBe(true)
    const sel = readSelection(new URLSearchParams(href.slice(href.indexOf('?') + 1)))
    expect(sel).toEqual({
      ds: 'demo',
      split: 'val',
      pair: '000001-a-b:cat',
      src: null,
      trg: null,
      methods: ['nn-handmade', 'hybrid:r'],
      rank: 'nn-handmade',
      sort: 'error',
      desc: true,
      alpha: 0.05,
    })
  })
  it('falls back to defaults for missing or bad values, and leaves defaults out of links', () => {
    const sel = readSelection(new URLSearchParams('split=nope&alpha=7&sort=x'))
    expect(sel).toMatchObject({ ds: null, split: 'test', alpha: 0.1, sort: 'pck', desc: false, methods: [] })
    expect(transferHref({ ds: 'd', alpha: 0.1, sort: 'pck' })).toBe('#/transfer?ds=d')
  })
  it('asks NN and hybrid methods for their score maps, mesh transfer has none', () => {
    expect(['nn-handmade', 'hybrid:r', 'hybrid-topk:r', 'mesh:r', 'hybrid-shut:r'].map(hasHeatmap)).toEqual([true, true, true, false, false])
  })
  it('parses image keys, a category chosen before its image included', () => {
    expect(imageKeyOf('quadruped/2010_300000')).toEqual({ category: 'quadruped', stem: '2010_300000' })
    expect(imageKeyOf('cat/')).toEqual({ category: 'cat', stem: '' })
    expect(imageKeyOf('nocat')).toBeNull()
    expect(selectionParams({ src: { category: 'cat', stem: 'x' } }).src).toBe('cat/x')
  })
})
