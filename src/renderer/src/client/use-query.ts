import { useCallback, useEffect, useState } from 'react'
import type { ChannelName, RequestOf, ResponseOf } from '../../../shared/ipc/contract'
import { useClient } from './index'

export interface QueryState<T> {
  /** The latest answer to this request; kept while a reload is in flight so views do not flicker. */
  data: T | null
  error: Error | null
  loading: boolean
  reload: () => void
}

interface Settled<T> {
  request: string
  tick: number
  data: T | null
  error: Error | null
}

/**
 * Like useCall, but a reload keeps showing the previous answer until the new one arrives (an
 * edit then a reload must not unmount the image being edited). A null request skips the call.
 * A different request never shows the old request's answer.
 */
export function useQuery<C extends ChannelName>(channel: C, request: RequestOf<C> | null): QueryState<ResponseOf<C>> {
  const client = useClient()
  const [tick, setTick] = useState(0)
  const body = request === null ? null : JSON.stringify(request)
  const [settled, setSettled] = useState<Settled<ResponseOf<C>> | null>(null)
  useEffect(() => {
    if (body === null) return
    let live = true
    client.call(channel, JSON.parse(body) as RequestOf<C>).then(
      (data) => live && setSettled({ request: body, tick, data, error: null }),
      (error: Error) => live && setSettled({ request: body, tick, data: null, error }),
    )
    return () => {
      live = false
    }
  }, [client, channel, body, tick])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  const same = settled !== null && body !== null && settled.request === body
  return {
    data: same ? settled.data : null,
    error: same ? settled.error : null,
    loading: body !== null && (!same || settled.tick !== tick),
    reload,
  }
}
