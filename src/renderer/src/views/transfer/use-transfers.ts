import { useEffect, useState } from 'react'
import type { Point } from '../../../../shared/ipc/channels/datasets'
import type { ResponseOf } from '../../../../shared/ipc/contract'
import { useClient } from '../../client'
import { hasHeatmap } from './transfer-route'
import type { ImageKey } from './transfer-route'

export type TransferAnswer = ResponseOf<'transfer.points'>

export type MethodState =
  | { status: 'pending'; data: null; error: null; ms: null }
  | { status: 'ok'; data: TransferAnswer; error: null; ms: number }
  | { status: 'error'; data: null; error: Error; ms: number }

interface Settled {
  key: string
  method: string
  state: MethodState
}

/**
 * One transfer.points call per method for the picked source point, all in flight at once; each
 * method's answer (or error) is shown as it arrives. A newer pick drops the older answers.
 */
export function useTransfers(
  dataset: string | null,
  source: ImageKey | null,
  target: ImageKey | null,
  methods: readonly string[],
  point: Point | null,
): ReadonlyMap<string, MethodState> {
  const client = useClient()
  const key = dataset && source && target && point ? JSON.stringify([dataset, source, target, point]) : null
  const methodsKey = JSON.stringify(methods)
  const [settled, setSettled] = useState<readonly Settled[]>([])
  useEffect(() => {
    if (key === null) return
    const [ds, src, trg, pt] = JSON.parse(key) as [string, ImageKey, ImageKey, Point]
    let live = true
    for (const method of JSON.parse(methodsKey) as string[]) {
      const t0 = performance.now()
      client
        .call('transfer.points', { dataset: ds, method, source: src, target: trg, points: [pt], heatmaps: hasHeatmap(method) })
        .then(
          (data): MethodState => ({ status: 'ok', data, error: null, ms: performance.now() - t0 }),
          (error: Error): MethodState => ({ status: 'error', data: null, error, ms: performance.now() - t0 }),
        )
        .then((state) => {
          if (live) setSettled((s) => [...s.filter((x) => x.key === key && x.method !== method), { key, method, state }])
        })
    }
    return () => {
      live = false
    }
  }, [client, key, methodsKey])
  const out = new Map<string, MethodState>()
  if (key === null) return out
  for (const m of methods) {
    const hit = settled.find((s) => s.key === key && s.method === m)
    out.set(m, hit ? hit.state : { status: 'pending', data: null, error: null, ms: null })
  }
  return out
}
