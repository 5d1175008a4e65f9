import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseHash, patchParams } from '../../../src/renderer/src/shell/route'

/** Just the window that route.ts touches: the hash, replaceState and the event it dispatches. */
function fakeWindow(hash: string): { location: { hash: string }; history: { replaceState: (a: unknown, b: string, href: string) => void }; dispatchEvent: () => boolean } {
  const w = {
    location: { hash },
    history: { replaceState: (_a: unknown, _b: string, href: string) => void (w.location.hash = href) },
    dispatchEvent: () => true,
  }
  return w
}

afterEach(() => vi.unstubAllGlobals())

describe('patchParams', () => {
  it('merges into the shown area\'s parameters', () => {
    const w = fakeWindow('#/reports?ds=fixture')
    vi.stubGlobal('window', w)
    vi.stubGlobal('HashChangeEvent', class {})
    patchParams(parseHash(w.location.hash), { split: 'test' }, { replace: true })
    expect(w.location.hash).toBe('#/reports?ds=fixture&split=test')
  })

  it('drops a late patch from a view the user has left, instead of pulling them back', () => {
    const w = fakeWindow('#/reports')
    vi.stubGlobal('window', w)
    vi.stubGlobal('HashChangeEvent', class {})
    const reportsRoute = parseHash(w.location.hash)
    w.location.hash = '#/transfer?ds=demo'
    patchParams(reportsRoute, { ds: 'demo' }, { replace: true })
    expect(w.location.hash).toBe('#/transfer?ds=demo')
  })
})
