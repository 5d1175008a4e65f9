import { useCallback, useEffect, useState } from 'react'
import type { ChannelName, RequestOf, ResponseOf } from '../../../shared/ipc/contract'
import { useClient } from './index'

export type CallState<T> =
  | { status: 'loading'; data: null; error: null }
  | { status: 'ok'; data: T; error: null }
  | { status: 'error'; data: null; error: Error }

type Settled<T> = { key: string } & ({ data: T; error: null } | { data: null; error: Error })

/** Calls a channel whenever the request changes; `reload` repeats it. */
export function useCall<C extends ChannelName>(
  channel: C,
  request: RequestOf<C>,
): CallState<ResponseOf<C>> & { reload: () => void } {
  const client = useClient()
  const [tick, setTick] = useState(0)
  const key = `${channel} ${JSON.stringify(request)} ${tick}`
  const [settled, setSettled] = useState<Settled<ResponseOf<C>> | null>(null)
  useEffect(() => {
    let live = true
    const body = key.slice(channel.length + 1, key.lastIndexOf(' '))
    client.call(channel, JSON.parse(body) as RequestOf<C>).then(
      (data) => live && setSettled({ key, data, error: null }),
      (error: Error) => live && setSettled({ key, data: null, error }),
    )
    return () => {
      live = false
    }
  }, [client, channel, key])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  // A result for an older request is not shown as if it were current.
  const state: CallState<ResponseOf<C>> =
    settled === null || settled.key !== key
      ? { status: 'loading', data: null, error: null }
      : settled.error
        ? { status: 'error', data: null, error: settled.error }
        : { status: 'ok', data: settled.data as ResponseOf<C>, error: null }
  return { ...state, reload }
}
