import { useCallback, useEffect, useRef, useState } from 'react'

export interface Page<T> {
  total: number
  items: T[]
}

interface PagedState<T> {
  key: string
  total: number | null
  pages: ReadonlyMap<number, readonly T[]>
  error: Error | null
}

const empty = <T,>(key: string): PagedState<T> => ({ key, total: null, pages: new Map(), error: null })

/**
 * A long server-side list read page by page as the view scrolls: `ensure(first, last)` fetches
 * the pages covering those rows, once. `key` names the list (data set, filters, version); a new
 * key starts over and drops answers to the old one.
 */
export function usePaged<T>(
  key: string,
  fetchPage: (offset: number, limit: number) => Promise<Page<T>>,
  pageSize = 120,
): { total: number | null; error: Error | null; item: (i: number) => T | undefined; ensure: (first: number, last: number) => void } {
  const [state, setState] = useState<PagedState<T>>(() => empty(key))
  const inflight = useRef(new Set<string>())
  const fetchRef = useRef(fetchPage)
  useEffect(() => {
    fetchRef.current = fetchPage
  })

  const load = useCallback(
    (page: number) => {
      const id = `${key}\u0000${page}`
      if (inflight.current.has(id)) return
      inflight.current.add(id)
      fetchRef.current(page * pageSize, pageSize).then(
        (res) =>
          setState((s) => {
            const base = s.key === key ? s : empty<T>(key)
            const pages = new Map(base.pages)
            pages.set(page, res.items)
            return { ...base, total: res.total, pages, error: null }
          }),
        (error: Error) => {
          inflight.current.delete(id) // a later scroll retries it
          setState((s) => ({ ...(s.key === key ? s : empty<T>(key)), error }))
        },
      )
    },
    [key, pageSize],
  )

  const ensure = useCallback(
    (first: number, last: number) => {
      if (last < first) return
      for (let p = Math.floor(Math.max(0, first) / pageSize); p <= Math.floor(last / pageSize); p++) load(p)
    },
    [load, pageSize],
  )

  // The first page also tells the total, which sizes the scroll area.
  useEffect(() => load(0), [load])

  const current = state.key === key ? state : empty<T>(key)
  const item = (i: number): T | undefined => current.pages.get(Math.floor(i / pageSize))?.[i % pageSize]
  return { total: current.total, error: current.error, item, ensure }
}
