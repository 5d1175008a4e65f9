import { afterEach, describe, expect, it, vi } from 'vitest'
import { navigate, parseHash, patchParams } from '../../../src/renderer/src/shell/route'

type Entry = (a: unknown, b: string, href: string) => void

/** Just the window that route.ts touches: the hash, the history entries and the events it dispatches. */
function fakeWindow(hash: string): { location: { hash: string }; history: { replaceState: Entry; pushState: Entry; length: number }; dispatchEvent: (e: { type: string }) => boolean; events: string[] } {
  const w = {
    location: { hash },
    history: {
      length: 1,
      replaceState: (_a: unknown, _b: string, href: string) => void (w.location.hash = href),
      pushState: (_a: unknown, _b: string, href: string) => {
        w.location.hash = href
        w.history.length++
      },
    },
    events: [] as string[],
    dispatchEvent: (e: { type: string }) => w.events.push(`${e.type} ${w.location.hash}`) > 0,
  }
  return w
}

afterEach(() => vi.unstubAllGlobals())

class HashChange {
  constructor(readonly type: string) {}
}

function stubWindow(hash: string): ReturnType<typeof fakeWindow> {
  const w = fakeWindow(hash)
  vi.stubGlobal('window', w)
  vi.stubGlobal('HashChangeEvent', HashChange)
  return w
}

describe('navigate', () => {
  it('tells the views before it returns (a clicked checkbox kept in the route never shows its old state), one history entry per change', () => {
    const w = stubWindow('#/training')
    navigate('training', { compare: 'a,b' })
    expect(w.events).toEqual(['hashchange #/training?compare=a%2Cb'])
    expect(w.history.length).toBe(2)
    navigate('training', { compare: 'a,b' })
    expect(w.history.length).toBe(2)
    navigate('training', { compare: 'a' }, { replace: true })
    expect(w.history.length).toBe(2)
    expect(w.events.at(-1)).toBe('hashchange #/training?compare=a')
  })
})

describe('patchParams', () => {
  it('merges into the shown area\'s parameters', () => {
    const w = stubWindow('#/reports?ds=fixture')
    patchParams(parseHash(w.location.hash), { split: 'test' }, { replace: true })
    expect(w.location.hash).toBe('#/reports?ds=fixture&split=test')
  })

  it('drops a late patch from a view the user has left, instead of pulling them back', () => {
    const w = stubWindow('#/reports')
    const reportsRoute = parseHash(w.location.hash)
    w.location.hash = '#/transfer?ds=demo'
    patchParams(reportsRoute, { ds: 'demo' }, { replace: true })
    expect(w.location.hash).toBe('#/transfer?ds=demo')
  })

  it('drops a default selection computed before the user chose another (the view had not yet heard of the new hash)', () => {
    const w = stubWindow('#/annotate')
    const before = parseHash(w.location.hash)
    w.location.hash = '#/annotate?ds=fixture&i=0'
    patchParams(before, { ds: 'demo', i: 0 }, { replace: true })
    expect(w.location.hash).toBe('#/annotate?ds=fixture&i=0')
  })

  it('merges a late patch into the parameters as they are now, keeping what the user changed meanwhile', () => {
    const w = stubWindow('#/training')
    const when = parseHash(w.location.hash)
    w.location.hash = '#/training?compare=a%2Cb'
    patchParams(when, { run: 'r1' })
    expect(w.location.hash).toBe('#/training?compare=a%2Cb&run=r1')
  })
})
