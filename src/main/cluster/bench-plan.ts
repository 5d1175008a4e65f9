import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../core/atomic-write'

/** One train-and-evaluate task of a cluster bench: an array index and the run folder it trains into. */
export interface PlannedTask {
  index: number
  runId: string
  dataset: string
  category: string
  variant: string
  articulation: number
  /** The appearance weight (absent in plans written before it existed: 0, off). */
  appearance?: number
  /** The large-steps lambda (absent in plans written before it existed: 0, off). */
  largeSteps?: number
  seed: number
  steps: number
  /** Absent in plans from before the option: the default batch. */
  batchSize?: number
  hypotheses?: number
  backbone: string
}

/**
 * A bench handed to a scheduler, as its folder `<workspace>/benches/<id>/` records it:
 * plan.json (this), the job scripts, logs/, tasks/<index>.state (written by the tasks) and,
 * once the collecting job ran, table.txt and table.json.
 */
export interface BenchPlan {
  id: string
  scheduler: 'slurm'
  createdAt: string
  /** The evaluated data set, and the options of `semagic bench --from-runs` that print its table. */
  dataset: string
  benchArgs: string[]
  tasks: PlannedTask[]
  /** Scheduler job ids once submitted (absent in a dry run). */
  jobs: { features: string; train: string; collect: string } | null
}

export const BENCHES_DIR = 'benches'
export const PLAN_FILE = 'plan.json'
export const TABLE_TEXT = 'table.txt'
export const TABLE_JSON = 'table.json'
/** The index copy the tasks start from, written by the features job. */
export const INDEX_SNAPSHOT = 'index.sqlite'

export const benchDir = (dataDir: string, id: string): string => join(dataDir, BENCHES_DIR, id)

export function writePlan(dir: string, plan: BenchPlan): void {
  mkdirSync(join(dir, 'logs'), { recursive: true })
  mkdirSync(join(dir, 'tasks'), { recursive: true })
  writeFileAtomic(join(dir, PLAN_FILE), `${JSON.stringify(plan, null, 2)}\n`)
}

export function readPlan(dir: string): BenchPlan {
  const file = join(dir, PLAN_FILE)
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BenchPlan
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`)
  }
}

/** The benches handed to a scheduler from this workspace, newest first (ids start with their UTC time). */
export function listPlans(dataDir: string): { dir: string; plan: BenchPlan }[] {
  const root = join(dataDir, BENCHES_DIR)
  if (!existsSync(root)) return []
  return readdirSync(root)
    .filter((n) => existsSync(join(root, n, PLAN_FILE)))
    .sort()
    .reverse()
    .flatMap((n) => {
      try {
        return [{ dir: join(root, n), plan: readPlan(join(root, n)) }]
      } catch {
        return [] // a plan being written or damaged: left out of the list, never fatal to it
      }
    })
}
