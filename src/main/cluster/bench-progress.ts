import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BenchPlan } from './bench-plan'
import { INDEX_SNAPSHOT, TABLE_TEXT } from './bench-plan'
import { jobStates } from './slurm-control'
import type { JobState } from './slurm-control'

export interface TaskProgress {
  index: number
  runId: string
  label: string
  state: JobState
  /** Times the task was started again after a failure or a pre-emption. */
  restarts: number
}

export interface BenchProgress {
  id: string
  dataset: string
  features: JobState
  collect: JobState
  tasks: TaskProgress[]
  counts: Record<JobState, number>
  /** Every job has ended: the table is there, or something failed for good. */
  finished: boolean
  table: string | null
}

/** A task's own record (`tasks/<i>.state`: state, restarts, time), or null before it first started. */
function taskRecord(dir: string, index: number): { state: string; restarts: number } | null {
  const file = join(dir, 'tasks', `${index}.state`)
  if (!existsSync(file)) return null
  const [state = '', restarts = '0'] = readFileSync(file, 'utf8').trim().split(/\s+/)
  return { state, restarts: Number(restarts) || 0 }
}

/** Whether a Slurm array task spec (`0-3`, `1,3,5-7`, `0-15%2`) holds `index`. */
export function arrayHolds(spec: string, index: number): boolean {
  return spec
    .split('%')[0]!
    .split(',')
    .some((part) => {
      const [a, b] = part.split('-').map(Number)
      return b === undefined ? a === index : a! <= index && index <= b
    })
}

/**
 * Where a bench stands, from its folder (what the tasks wrote) and what Slurm still knows: the
 * folder answers for tasks that ended (even long ago, or after a scancel), Slurm for those
 * queued or running. Reads only; never blocks on a job.
 */
export async function benchProgress(dir: string, plan: BenchPlan): Promise<BenchProgress> {
  const table = existsSync(join(dir, TABLE_TEXT)) ? readFileSync(join(dir, TABLE_TEXT), 'utf8') : null
  // A collected bench is settled: the studio listing old benches asks Slurm nothing about them.
  const known = plan.jobs && table === null ? await jobStates([plan.jobs.features, plan.jobs.train, plan.jobs.collect]) : null
  // Without an answer from Slurm (a dry run, or no Slurm commands here) a job's absence says nothing.
  const jobs = known ? plan.jobs : null
  const slurm = known ?? new Map<string, { state: JobState; reason: string }>()
  const ofJob = (id: string | undefined, doneMark: boolean): JobState => {
    if (doneMark) return 'done'
    const known = id ? slurm.get(id) : undefined
    if (known) return known.state
    return jobs ? 'failed' : 'unknown' // gone from Slurm without leaving its output
  }
  const features = ofJob(jobs?.features, existsSync(join(dir, INDEX_SNAPSHOT)))
  const collect = ofJob(jobs?.collect, table !== null)
  const tasks = plan.tasks.map((t): TaskProgress => {
    const record = taskRecord(dir, t.index)
    const live = jobs ? (slurm.get(`${jobs.train}_${t.index}`) ?? [...slurm].find(([k]) => k.startsWith(`${jobs.train}_`) && arrayHolds(k.slice(jobs.train.length + 1), t.index))?.[1]) : undefined
    let state: JobState
    if (record?.state === 'done') state = 'done'
    else if (live && live.state !== 'failed' && live.state !== 'unknown') state = live.state
    else if (record?.state === 'failed' || live?.state === 'failed') state = 'failed'
    else if (record?.state === 'running' || record?.state === 'requeued') state = live ? live.state : jobs ? 'failed' : 'unknown'
    else state = !jobs ? 'unknown' : features === 'failed' ? 'failed' : 'queued'
    return {
      index: t.index,
      runId: t.runId,
      label: `${t.category} ${t.variant}${t.articulation > 0 ? `+art${t.articulation}` : ''}${t.appearance ? `+app${t.appearance}` : ''} seed ${t.seed}`,
      state,
      restarts: record?.restarts ?? 0,
    }
  })
  const counts: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0, unknown: 0 }
  for (const t of tasks) counts[t.state]++
  const finished = table !== null || features === 'failed' || collect === 'failed' || (counts.failed > 0 && counts.queued + counts.running === 0)
  return { id: plan.id, dataset: plan.dataset, features, collect, tasks, counts, finished, table }
}
