import { randomBytes } from 'node:crypto'
import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DeviceChoice } from '../../../shared/device'
import { modelLabel } from '../../../shared/ipc/channels/train'
import { builtMainDir } from '../../build-paths'
import type { Core } from '../../core/create-core'
import { TABLE_JSON, benchDir, writePlan } from '../../cluster/bench-plan'
import type { BenchPlan, PlannedTask } from '../../cluster/bench-plan'
import { benchProgress } from '../../cluster/bench-progress'
import type { BenchProgress } from '../../cluster/bench-progress'
import { benchScripts } from '../../cluster/slurm-scripts'
import type { SlurmSettings } from '../../cluster/slurm-scripts'
import { sbatch } from '../../cluster/slurm-control'
import { CliUsageError } from '../cli-error'
import type { CliIo, Options, Values } from '../command'
import type { BenchGroup, BenchSpec } from './bench'

export const SLURM_OPTIONS: Options = {
  on: { type: 'string' },
  partition: { type: 'string' },
  time: { type: 'string' },
  'cpus-per-task': { type: 'string' },
  'gpus-per-task': { type: 'string' },
  'requeue-max': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  wait: { type: 'boolean', default: false },
}

const POLL_MS = 2000

const count = (values: Values, name: string, min: number): number | null => {
  const v = values[name]
  if (v === undefined) return null
  const n = Number(v)
  if (!Number.isInteger(n) || n < min) throw new CliUsageError(`--${name} must be an integer >= ${min}, got ${String(v)}`)
  return n
}

/** The scheduler settings, or null for a bench run here; options that only a scheduler takes are refused without --on. */
export function parseSlurmOptions(values: Values): (SlurmSettings & { dryRun: boolean; wait: boolean }) | null {
  if (values.on === undefined) {
    const stray = Object.keys(SLURM_OPTIONS).find((k) => k !== 'on' && values[k] !== undefined && values[k] !== false)
    if (stray) throw new CliUsageError(`--${stray} goes with --on slurm`)
    return null
  }
  if (values.on !== 'slurm') throw new CliUsageError(`--on takes slurm (the scheduler of most university and lab clusters), got ${String(values.on)}`)
  const time = typeof values.time === 'string' ? values.time : null
  if (time !== null && !/^[0-9:-]+$/.test(time)) throw new CliUsageError(`--time takes Slurm's forms (MINUTES, HH:MM:SS, D-HH), got ${time}`)
  const partition = typeof values.partition === 'string' ? values.partition : null
  if (partition !== null && !/^[A-Za-z0-9_.,-]+$/.test(partition)) throw new CliUsageError(`--partition takes a partition name, got ${partition}`)
  if (values['dry-run'] && values.wait) throw new CliUsageError('--dry-run submits nothing to --wait for')
  return {
    partition,
    time,
    cpusPerTask: count(values, 'cpus-per-task', 1),
    gpusPerTask: count(values, 'gpus-per-task', 1),
    requeueMax: count(values, 'requeue-max', 0) ?? 3,
    checkpointEvery: count(values, 'checkpoint-every', 1) ?? 50,
    dryRun: values['dry-run'] === true,
    wait: values.wait === true,
  }
}

/** The same bench's options for the collecting job's `semagic bench --from-runs`. */
function fromRunsArgs(spec: BenchSpec, dataset: string, categories: string[]): string[] {
  return [
    '--dataset', dataset,
    ...(spec.trainDataset !== null ? ['--train-dataset', spec.trainDataset] : []),
    '--categories', categories.join(','),
    '--methods', spec.methods.join(','),
    '--variants', spec.variants.join(','),
    '--articulation', spec.articulations.join(','),
    '--appearance', spec.appearances.join(','),
    '--large-steps', spec.largeSteps.join(','),
    '--seeds', String(spec.seeds),
    '--steps', String(spec.steps),
    '--batch-size', String(spec.batchSize),
    '--hypotheses', String(spec.hypotheses),
    '--backbone', spec.backbone,
    '--hybrids', spec.hybrids.join(','),
  ]
}

/** How a job runs this CLI: the same Node and build as the submitter's (the cluster shares its file system). */
function semagicCommand(): string[] {
  const dir = builtMainDir()
  return dir ? [process.execPath, join(dir, 'cli.js')] : ['semagic']
}

function progressLine(p: BenchProgress): string {
  const c = p.counts
  return `features ${p.features}; tasks: ${c.queued} queued, ${c.running} running, ${c.done} done, ${c.failed} failed` + `${c.unknown ? `, ${c.unknown} unknown` : ''}; collect ${p.collect}`
}

/**
 * `semagic bench --on slurm`: one features job, an array of train-and-evaluate tasks (one per
 * category, variant and seed, each resuming its run folder when requeued), and a collecting job
 * that imports the finished runs and prints the table, chained with afterok. The plan and the
 * scripts go to `<workspace>/benches/<id>/`, which must lie on a file system every node sees.
 * Null when every run has finished already: there is nothing to submit and the table is made here.
 */
export async function runOnSlurm(
  core: Core,
  io: CliIo,
  job: { spec: BenchSpec; dataset: string; groups: BenchGroup[]; slurm: SlurmSettings & { dryRun: boolean; wait: boolean }; json: string | null; device: DeviceChoice | null },
): Promise<number | null> {
  const { spec, dataset, groups, slurm } = job
  const all = groups.flatMap((g) => g.runs)
  if (all.length === 0) throw new CliUsageError('--on slurm trains the --variants on a cluster: give at least one variant')
  // As here, a finished run of the same configuration is reused: the collecting job's table reads it from the index.
  const runs = all.filter((r) => !core.services.train.findFinished(r.config))
  if (runs.length < all.length) io.stderr.write(`${all.length - runs.length} of ${all.length} runs finished already: not trained again\n`)
  if (runs.length === 0) {
    io.stderr.write('nothing for the cluster to train: the table is made here from the finished runs\n')
    return null
  }
  const id = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`
  const tasks: PlannedTask[] = runs.map((r, index) => ({
    index,
    runId: `${r.category}-${modelLabel(r.config).replaceAll('+', '-')}-seed${r.seed}-${id}`,
    dataset: r.config.dataset,
    category: r.category,
    variant: r.config.variant,
    articulation: r.config.articulation,
    appearance: r.config.appearance,
    largeSteps: r.config.largeSteps,
    seed: r.seed,
    steps: r.config.steps,
    batchSize: r.config.batchSize,
    hypotheses: r.config.hypotheses,
    backbone: r.config.backbone,
  }))
  const categories = [...new Set(runs.map((r) => r.category))]
  const plan: BenchPlan = { id, scheduler: 'slurm', createdAt: new Date().toISOString(), dataset, benchArgs: fromRunsArgs(spec, dataset, categories), tasks, jobs: null }
  const dir = benchDir(core.dataDir, id)
  const scripts = benchScripts(plan, { dataDir: core.dataDir, benchDir: dir, semagic: semagicCommand(), trainDataset: spec.trainDataset ?? dataset, backbone: spec.backbone, settings: slurm, device: job.device })
  writePlan(dir, plan)
  const files = { features: join(dir, 'features.sh'), train: join(dir, 'train.sh'), collect: join(dir, 'collect.sh') }
  for (const k of ['features', 'train', 'collect'] as const) writeFileSync(files[k], scripts[k], { mode: 0o755 })
  if (slurm.dryRun) {
    for (const k of ['features', 'train', 'collect'] as const) io.stdout.write(`# ${files[k]}\n${scripts[k]}\n`)
    io.stdout.write(
      `# submit with:\nF=$(sbatch --parsable ${files.features})\nT=$(sbatch --parsable --dependency=afterok:$F --kill-on-invalid-dep=yes ${files.train})\n` +
        `sbatch --parsable --dependency=afterok:$T --kill-on-invalid-dep=yes ${files.collect}\n`,
    )
    return 0
  }
  const features = await sbatch(files.features, null)
  const train = await sbatch(files.train, features)
  const collect = await sbatch(files.collect, train)
  plan.jobs = { features, train, collect }
  writePlan(dir, plan)
  io.stderr.write(`bench ${id}: features job ${features}, ${tasks.length} tasks in array ${train}, collecting job ${collect}; its folder: ${dir}\n`)
  if (!slurm.wait) {
    io.stdout.write(`${id}\n`)
    return 0
  }
  let last = ''
  for (;;) {
    const p = await benchProgress(dir, plan)
    const line = progressLine(p)
    if (line !== last) io.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`)
    last = line
    if (p.finished) {
      if (p.table === null) {
        for (const t of p.tasks.filter((t) => t.state === 'failed')) io.stderr.write(`task ${t.index} (${t.label}) failed: see ${join(dir, 'logs', `task-${t.index}.out`)}\n`)
        io.stderr.write(`bench ${id} did not finish; finished runs stay usable: semagic runs import ${join(core.dataDir, 'runs', '<run>')}\n`)
        return 1
      }
      io.stdout.write(p.table)
      if (job.json !== null) copyFileSync(join(dir, TABLE_JSON), job.json)
      return 0
    }
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
}
