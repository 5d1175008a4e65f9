import { describe, expect, it } from 'vitest'
import { settingsHash } from '../../../src/main/features/backbones/settings-hash'

describe('settingsHash', () => {
  it('ignores key order and is 16 hex digits', () => {
    const a = settingsHash({ id: 'x', size: 224, layers: ['a', 'b'], nested: { p: 1, q: 2 } })
    expect(a).toMatch(/^[0-9a-f]{16}$/)
    expect(settingsHash({ nested: { q: 2, p: 1 }, layers: ['a', 'b'], size: 224, id: 'x' })).toBe(a)
  })

  it('changes with any value, including the order of a list', () => {
    const base = settingsHash({ id: 'x', size: 224, layers: ['a', 'b'] })
    expect(settingsHash({ id: 'x', size: 225, layers: ['a', 'b'] })).not.toBe(base)
    expect(settingsHash({ id: 'x', size: 224, layers: ['b', 'a'] })).not.toBe(base)
    expect(settingsHash({ id: 'x', size: '224', layers: ['a', 'b'] })).not.toBe(base)
  })
})
