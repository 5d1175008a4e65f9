import { useEffect, useMemo, useState } from 'react'
import { areaFromHash } from './areas'
import type { Area } from './areas'

/** `#/<area>?<params>`: hash routing is the only kind that works under both app:// and a plain http server. */
export interface Route {
  area: Area
  params: URLSearchParams
}

export type ParamValues = Record<string, string | number | null | undefined>

export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, '')
  const q = body.indexOf('?')
  return { area: areaFromHash(body), params: new URLSearchParams(q < 0 ? '' : body.slice(q + 1)) }
}

export function hrefFor(areaId: string, params: ParamValues = {}): string {
  const search = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') search.set(k, String(v))
  const s = search.toString()
  return `#/${areaId}${s ? `?${s}` : ''}`
}

/**
 * `replace` is for corrections the user did not ask for (a default selection): Back should not
 * step through them. The views are told at once, by hand: setting location.hash would announce
 * the change a task later, and until then a controlled input the user just clicked (a checkbox
 * kept in the route) shows its old state again.
 */
export function navigate(areaId: string, params: ParamValues = {}, options: { replace?: boolean } = {}): void {
  const href = hrefFor(areaId, params)
  if (href === window.location.hash) return
  if (options.replace) window.history.replaceState(null, '', href)
  else window.history.pushState(null, '', href)
  window.dispatchEvent(new HashChangeEvent('hashchange'))
}

/** Whether the location still says what `route` was read from (the view has not yet heard of a newer hash). */
export function routeIsCurrent(route: Route): boolean {
  const now = parseHash(window.location.hash)
  return now.area.id === route.area.id && now.params.toString() === route.params.toString()
}

/**
 * Merge into the current area's parameters as the location holds them now (null removes one),
 * so that a view's late patch (after an await) keeps what the user changed meanwhile. It is
 * dropped once the user has moved to another area, or it would pull them back. A `replace`
 * correction (a default selection) is dropped as soon as the location has moved on at all: it
 * was computed from parameters the user has since replaced, and merging it would undo their
 * choice (the view recomputes it from the new route if it is still needed).
 */
export function patchParams(route: Route, patch: ParamValues, options: { replace?: boolean } = {}): void {
  const now = parseHash(window.location.hash)
  if (options.replace ? !routeIsCurrent(route) : now.area.id !== route.area.id) return
  const next: ParamValues = Object.fromEntries(now.params.entries())
  Object.assign(next, patch)
  navigate(route.area.id, next, options)
}

export function useRoute(): Route {
  const [hash, setHash] = useState(() => window.location.hash)
  useEffect(() => {
    const onHash = (): void => setHash(window.location.hash)
    // Back and Forward between pushed entries announce themselves with popstate.
    window.addEventListener('hashchange', onHash)
    window.addEventListener('popstate', onHash)
    return () => {
      window.removeEventListener('hashchange', onHash)
      window.removeEventListener('popstate', onHash)
    }
  }, [])
  return useMemo(() => parseHash(hash), [hash])
}

/** A non-negative integer parameter, or the fallback. */
export function intParam(params: URLSearchParams, key: string, fallback = 0): number {
  const n = Number(params.get(key))
  return Number.isInteger(n) && n >= 0 && params.has(key) ? n : fallback
}
