import { useCallback, useEffect, useRef, useState } from 'react'
import type { Point } from '../../../../shared/ipc/channels/datasets'
import type { Progress } from '../../../../shared/ipc/channels/jobs'
import type { ResponseOf } from '../../../../shared/ipc/contract'
import { IpcError } from '../../../../shared/ipc/result'
import { useClient } from '../../client'
import { hasHeatmap } from './transfer-route'
import type { ImageKey } from './transfer-route'

export type TransferAnswer = ResponseOf<'transfer.points'>

export type MethodState =
  | { status: 'pending'; data: null; error: null; ms: null; progress: Progress | null }
  | { status: 'ok'; data: TransferAnswer; error: null; ms: number }
  | { status: 'error'; data: null; error: Error; ms: number }
  | { status: 'cancelled'; data: null; error: null; ms: number }

interface Settled {
  key: string
  method: string
  /** The call that gave it: only that call's late answer must not undo a cancel. */
  requestId: string
  state: MethodState
}

/** The calls of the current pick, by method: what Cancel and the progress events refer to. */
interface Flight {
  key: string
  ids: Map<string, string>
  started: number
}

const progressKey = (key: string, method: string): string => `${key}\u0000${method}`

/**
 * One transfer.points call per method for the picked source point, all in flight at once; each
 * method's answer (or error) is shown as it arrives, its progress while it runs. A newer pick
 * cancels the older calls on the server and drops their answers; `cancel` stops one method's.
 */
export function useTransfers(
  dataset: string | null,
  source: ImageKey | null,
  target: ImageKey | null,
  methods: readonly string[],
  point: Point | null,
  /** A new value asks again for the same point. */
  attempt = 0,
): { states: ReadonlyMap<string, MethodState>; cancel: (method: string) => void } {
  const client = useClient()
  const key = dataset && source && target && point ? JSON.stringify([dataset, source, target, point, attempt]) : null
  const methodsKey = JSON.stringify(methods)
  const [settled, setSettled] = useState<readonly Settled[]>([])
  const [progress, setProgress] = useState<ReadonlyMap<string, Progress>>(new Map())
  const flight = useRef<Flight | null>(null)
  const settle = useCallback((next: Settled) => {
    // A cancelled call stays cancelled even if its answer was already on the way.
    setSettled((s) =>
      s.some((x) => x.requestId === next.requestId && x.state.status === 'cancelled')
        ? s
        : [...s.filter((x) => x.key === next.key && x.method !== next.method), next],
    )
  }, [])

  useEffect(() => {
    if (key === null) return
    const [ds, src, trg, pt] = JSON.parse(key) as [string, ImageKey, ImageKey, Point, number]
    const mine: Flight = { key, ids: new Map(), started: performance.now() }
    flight.current = mine
    const open = new Map<string, string>()
    const off = client.on('transfer.progress', (e) => {
      const method = open.get(e.requestId)
      if (method !== undefined) setProgress((m) => new Map(m).set(progressKey(key, method), e.progress))
    })
    for (const method of JSON.parse(methodsKey) as string[]) {
      const requestId = crypto.randomUUID()
      mine.ids.set(method, requestId)
      open.set(requestId, method)
      client
        .call('transfer.points', { dataset: ds, method, source: src, target: trg, points: [pt], heatmaps: hasHeatmap(method), requestId })
        .then(
          (data): MethodState => ({ status: 'ok', data, error: null, ms: performance.now() - mine.started }),
          (error: Error): MethodState =>
            error instanceof IpcError && error.code === 'CANCELLED'
              ? { status: 'cancelled', data: null, error: null, ms: performance.now() - mine.started }
              : { status: 'error', data: null, error, ms: performance.now() - mine.started },
        )
        .then((state) => {
          open.delete(requestId)
          if (flight.current === mine) settle({ key, method, requestId, state })
        })
    }
    return () => {
      off()
      if (flight.current === mine) flight.current = null
      // Superseded: the server stops what is still running for the old pick.
      for (const requestId of open.keys()) client.call('transfer.cancel', { requestId }).catch(() => undefined)
      setProgress(new Map())
    }
  }, [client, key, methodsKey, settle])

  const cancel = useCallback(
    (method: string) => {
      const mine = flight.current
      const requestId = mine?.ids.get(method)
      if (!mine || !requestId) return
      // The view is freed at once; the server stops at its next checkpoint.
      settle({ key: mine.key, method, requestId, state: { status: 'cancelled', data: null, error: null, ms: performance.now() - mine.started } })
      client.call('transfer.cancel', { requestId }).catch(() => undefined)
    },
    [client, settle],
  )

  const states = new Map<string, MethodState>()
  if (key !== null) {
    for (const m of methods) {
      const hit = settled.find((s) => s.key === key && s.method === m)
      states.set(m, hit ? hit.state : { status: 'pending', data: null, error: null, ms: null, progress: progress.get(progressKey(key, m)) ?? null })
    }
  }
  return { states, cancel }
}
