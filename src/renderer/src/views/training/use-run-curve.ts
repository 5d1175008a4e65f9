import { useEffect, useRef } from 'react'
import { useQuery } from '../../client/use-query'
import type { QueryState } from '../../client/use-query'
import type { CurveRow } from './curves'

/**
 * A run's loss curve, re-read whenever `refresh` moves on (the view learnt that runs moved: a
 * job settled, a poll), so a live run's curve follows it.
 */
export function useRunCurve(runId: string, refresh: number): QueryState<CurveRow[]> {
  const curve = useQuery('train.curve', { runId })
  const { reload } = curve
  // The first read is the query's own; re-read only when `refresh` moves on after mounting.
  const mountedAt = useRef(refresh)
  useEffect(() => {
    if (refresh !== mountedAt.current) reload()
  }, [refresh, reload])
  return curve
}
