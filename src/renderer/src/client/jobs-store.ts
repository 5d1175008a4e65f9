import { useEffect, useState, useSyncExternalStore } from 'react'
import type { Job } from '../../../shared/ipc/channels/jobs'
import type { SemagicClient } from '../../../shared/ipc/client'
import { useClient } from './index'

export const TERMINAL: ReadonlySet<Job['status']> = new Set(['succeeded', 'failed', 'cancelled', 'interrupted'])

/**
 * Every job this page has heard of, fed by `job.updated` and by jobs.get. Events can race the
 * call that started a job (a fast job may finish before its id reaches the view) and can be lost
 * while the socket reconnects, so both sources feed one store and the newer state wins.
 */
class JobStore {
  private readonly jobs = new Map<string, Job>()
  private readonly listeners = new Set<() => void>()
  private running: Job[] = []

  constructor(client: SemagicClient) {
    client.on('job.updated', (job) => this.put(job))
  }

  put(job: Job): void {
    const prev = this.jobs.get(job.id)
    if (prev && (TERMINAL.has(prev.status) || prev.updatedAt > job.updatedAt)) return
    this.jobs.set(job.id, job)
    this.running = [...this.jobs.values()].filter((j) => !TERMINAL.has(j.status))
    for (const l of this.listeners) l()
  }

  get(id: string | null): Job | null {
    return id === null ? null : (this.jobs.get(id) ?? null)
  }

  runningJobs(): Job[] {
    return this.running
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

const stores = new WeakMap<SemagicClient, JobStore>()
function storeFor(client: SemagicClient): JobStore {
  let store = stores.get(client)
  if (!store) {
    store = new JobStore(client)
    stores.set(client, store)
  }
  return store
}

/** How often a running job is re-read in case its events were lost with a dropped socket. */
const POLL_MS = 2000

export function useJob(id: string | null): { job: Job | null; error: Error | null } {
  const client = useClient()
  const store = storeFor(client)
  const job = useSyncExternalStore(store.subscribe, () => store.get(id))
  const done = job !== null && TERMINAL.has(job.status)
  const [failure, setFailure] = useState<{ id: string; error: Error } | null>(null)
  useEffect(() => {
    if (id === null || done) return
    let live = true
    const read = (): void => {
      // A failed read is shown and retried by the next poll (the server may be restarting).
      client.call('jobs.get', { id }).then(
        (j) => {
          if (!live) return
          store.put(j)
          setFailure(null)
        },
        (error: Error) => live && setFailure({ id, error }),
      )
    }
    read()
    const timer = setInterval(read, POLL_MS)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [client, store, id, done])
  return { job, error: failure !== null && failure.id === id && !done ? failure.error : null }
}

export function useRunningJobs(): Job[] {
  const store = storeFor(useClient())
  return useSyncExternalStore(store.subscribe, () => store.runningJobs())
}
