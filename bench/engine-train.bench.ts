/**
 * Times the engine's training step on this machine and records the figures in BENCHMARKS.md.
 *
 *   npx vite-node bench/engine-train.bench.ts
 *
 * (BENCH_STEPS=n times n steps instead of 20; BENCH_NO_WRITE=1 prints without touching BENCHMARKS.md.)
 *
 * Default settings (METHOD §9): a level-3 template (642 vertices), batch 24, 8 camera
 * hypotheses with mirror scoring, 64 feature channels on a 17 x 17 grid, 64 x 64 masks. Data:
 * 48 views of a known object rendered by the engine's rasteriser, its features lifted to 64
 * channels; the step's cost does not depend on what the images show.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism, getPriority, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import { writeFeatureFile } from '../src/main/features/cache/feature-file'
import type { EngineVariant } from '../src/main/engine/model/config'
import { modelLabel } from '../src/shared/ipc/channels/train'
import { TRAIN_SHARDS } from '../src/main/engine/train/shards'
import { startTraining, trainStep } from '../src/main/engine/train/train-category'
import type { TrainingImage } from '../src/main/engine/train/training-data'
import type { launchTrainJob as LaunchTrainJob } from '../src/main/train/train-host'
import type { TrainInput } from '../src/main/train/train-protocol'
import { trainWorkerDir } from '../test/helpers/train-worker-build'
import { cpuModel, updateBenchmarks } from './bench-report'
import { C, GRID, benchImages } from './engine-train-data'

const COMMAND = 'npx vite-node bench/engine-train.bench.ts'
const MARK_BEGIN = '<!-- bench:engine-train -->'
const MARK_END = '<!-- /bench:engine-train -->'
const WARMUP = 3
const STEPS = Number(process.env.BENCH_STEPS ?? 20)
const ROUNDS = 2

interface Row {
  /** The variant, with its articulated parts when on (modelLabel). */
  variant: string
  msPerStep: number
  parts: Record<string, number>
  /** Process CPU time over wall time while timing: below ~0.95 other work shared the core. */
  cpuShare: number
}

/** The profile's parts, grouped as the step's phases. */
const PHASES: [string, string[]][] = [
  ['visibility (z-buffer + facing)', ['visibility']],
  ['forward (shape, fields, mirror scores)', ['category forward', 'instance forward', 'mirror']],
  ['hypotheses (loss + camera gradient)', ['hypotheses']],
  ['best hypothesis (loss + full gradient)', ['best hypothesis']],
  ['backward (regularisers, code, shape, fields)', ['shape backward', 'category backward']],
  ['optimiser (Adam)', ['optimiser']],
]

function measure(variant: EngineVariant, articulation: number, data: TrainingImage[]): Row {
  const { state, targets } = startTraining({ images: data }, { variant, seed: 0, articulation: { parts: articulation } })
  for (let s = 0; s < WARMUP; s++) trainStep(state, targets)
  const profile: Record<string, number> = {}
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (let s = 0; s < STEPS; s++) trainStep(state, targets, profile)
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const parts = Object.fromEntries(PHASES.map(([name, keys]) => [name, keys.reduce((sum, k) => sum + (profile[k] ?? 0), 0) / STEPS]))
  return { variant: modelLabel({ variant, articulation, appearance: 0 }), msPerStep: wall / STEPS, parts, cpuShare: (cpu.user + cpu.system) / 1000 / wall }
}

interface JobRow {
  variant: EngineVariant
  where: string
  threads: number
  stepsPerSecond: number
  /** Process CPU seconds per wall second over the timed steps (all threads of the process). */
  cores: number
  /** The main thread's event-loop delay while the job trained (preparation included), ms. */
  loopMax: number
  loopP99: number
}

/**
 * The bundled host, as the built app runs it: the engine run from the sources through vite-node
 * is slower (every cross-module call goes through a module namespace getter), so the main-thread
 * and worker rows run the same esbuild bundle.
 */
const { launchTrainJob } = createRequire(__filename)(join(trainWorkerDir(), 'train-host.js')) as { launchTrainJob: typeof LaunchTrainJob }

/** A whole training job as the service runs it (PCA, targets, steps, checkpoints), timed from the main thread. */
async function measureJob(variant: EngineVariant, inputs: TrainInput[], dir: string, threads: number, workerFile: string | null): Promise<JobRow> {
  const runDir = join(dir, `${variant}-${threads}-${workerFile ? 'worker' : 'main'}`)
  mkdirSync(runDir, { recursive: true })
  const delay = monitorEventLoopDelay({ resolution: 5 })
  let t0 = 0
  let t1 = 0
  let cpu0 = process.cpuUsage()
  let cpu: NodeJS.CpuUsage = { user: 0, system: 0 }
  delay.enable()
  const handle = launchTrainJob(
    { runDir, inputs, pcaDims: C, pcaSeed: 0, engineConfig: { variant, seed: 0, steps: WARMUP + STEPS }, resumeFrom: null, checkpointEvery: 1000, threads, device: 'cpu' },
    {
      workerFile,
      onEvent: (e) => {
        if (e.type !== 'step') return
        if (e.step === WARMUP) {
          t0 = performance.now()
          cpu0 = process.cpuUsage()
        }
        if (e.step === WARMUP + STEPS) {
          t1 = performance.now()
          cpu = process.cpuUsage(cpu0)
        }
      },
    },
  )
  const outcome = await handle.done
  delay.disable()
  const wall = t1 - t0
  return {
    variant,
    where: workerFile ? 'worker thread' : 'main thread (before)',
    threads: outcome.threads,
    stepsPerSecond: (1000 * STEPS) / wall,
    cores: (cpu.user + cpu.system) / 1000 / wall,
    loopMax: delay.max / 1e6,
    loopP99: delay.percentile(99) / 1e6,
  }
}

/**
 * What the machine gives two threads at once: a fixed integer loop (a dependent chain, no memory
 * traffic) on one worker, then on two together. 2.0 = two cores' worth; 1.0 = the two vCPUs
 * share one core's time (another VM, a host quota), and no code can gain from a second thread.
 */
async function parallelCapacity(): Promise<number> {
  const code = `const { parentPort } = require('node:worker_threads'); let x = 1; for (let i = 0; i < 4e8; i++) x = (Math.imul(x, 1103515245) + 12345) | 0; parentPort.postMessage(x)`
  const spin = (): Promise<unknown> => new Promise((resolve, reject) => new Worker(code, { eval: true }).once('message', resolve).once('error', reject))
  const t0 = performance.now()
  await spin()
  const one = performance.now() - t0
  const t1 = performance.now()
  await Promise.all([spin(), spin()])
  const two = performance.now() - t1
  return (2 * one) / two
}

const data = benchImages()
const load0 = loadavg()[0]!
const capacityBefore = await parallelCapacity()
const rows = ([['semagic', 0], ['semagic', 6], ['baseline', 0]] as const).map(([v, parts]) => measure(v, parts, data))

// The same images as cached feature files, for whole jobs.
const scratch = mkdtempSync(join(tmpdir(), 'semagic-bench-train-'))
const inputs: TrainInput[] = data.map((im, k) => {
  const featureFile = join(scratch, `view-${k}.f16`)
  writeFeatureFile(featureFile, im.features)
  return { key: im.key, mask: im.mask, featureFile }
})
const workerFile = join(trainWorkerDir(), 'train-worker.js')
const jobs: JobRow[] = []
try {
  for (const variant of ['semagic', 'baseline'] as const) {
    jobs.push(await measureJob(variant, inputs, scratch, 1, null))
    // 1 and 2 threads alternated, best of ROUNDS each: the least disturbed run on a shared machine.
    const best: (JobRow | null)[] = [null, null]
    for (let round = 0; round < ROUNDS; round++) {
      for (const threads of [1, 2]) {
        const row = await measureJob(variant, inputs, scratch, threads, workerFile)
        const b = best[threads - 1]
        if (!b || row.stepsPerSecond > b.stepsPerSecond) best[threads - 1] = { ...row, loopMax: Math.max(row.loopMax, b?.loopMax ?? 0), loopP99: Math.max(row.loopP99, b?.loopP99 ?? 0) }
        else Object.assign(b, { loopMax: Math.max(b.loopMax, row.loopMax), loopP99: Math.max(b.loopP99, row.loopP99) })
      }
    }
    jobs.push(...(best as JobRow[]))
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
const load1 = loadavg()[0]!
const capacityAfter = await parallelCapacity()
const single = (v: EngineVariant): number => jobs.find((j) => j.variant === v && j.threads === 1 && j.where === 'worker thread')!.stepsPerSecond

const header = `| variant | ms/step | steps/s | 600 steps | ${PHASES.map(([n]) => n).join(' | ')} | own CPU share |`
const lines = [
  header,
  `|${' --- |'.repeat(4 + PHASES.length + 1)}`,
  ...rows.map((r) => {
    const shares = PHASES.map(([n]) => `${r.parts[n]!.toFixed(1)} ms (${((100 * r.parts[n]!) / r.msPerStep).toFixed(0)} %)`)
    return `| ${r.variant} | ${r.msPerStep.toFixed(0)} | ${(1000 / r.msPerStep).toFixed(2)} | ${((600 * r.msPerStep) / 60000).toFixed(1)} min | ${shares.join(' | ')} | ${r.cpuShare.toFixed(2)} |`
  }),
]
const jobLines = [
  '| variant | where the steps run | threads | steps/s | speed-up over 1 thread | 600 steps | CPU cores busy | main-thread event-loop delay: max | p99 |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...jobs.map(
    (j) =>
      `| ${j.variant} | ${j.where} | ${j.threads} | ${j.stepsPerSecond.toFixed(2)} | ${(j.stepsPerSecond / single(j.variant)).toFixed(2)}x | ${(600 / j.stepsPerSecond / 60).toFixed(1)} min | ${j.cores.toFixed(2)} | ${j.loopMax.toFixed(0)} ms | ${j.loopP99.toFixed(0)} ms |`,
  ),
]
const section = [
  MARK_BEGIN,
  '## Engine: training step',
  '',
  `\`${COMMAND}\` on ${cpuModel()} (${availableParallelism()} cores), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, plain TypeScript (no tfjs).`,
  `642 vertices, batch 24, 8 hypotheses + mirrors, ${C} channels on ${GRID} x ${GRID}, 64 x 64 masks; mean of ${STEPS} steps after ${WARMUP} warm-up steps.`,
  '`semagic` has per-vertex features and basis; `baseline` evaluates an MLP feature field at 24 x 642 points and a deformation field each step; `semagic+art6` poses 6 articulated parts (and the mirror pose) per image.',
  '',
  '**Where the time of a step goes** (one thread, the engine called directly from the sources through vite-node, which runs it slower than the bundles below).',
  'Shares do not sum to 100 %: the rest is batch sampling and bookkeeping. An own CPU share under ~0.95 means other processes shared the core.',
  '',
  ...lines,
  '',
  `**Whole training jobs** as \`semagic train\` and the studio run them (\`launchTrainJob\` bundled by esbuild like the app: PCA, targets, steps, checkpoints), each step's batch split into ${TRAIN_SHARDS} gradient shards`,
  'summed in shard order (1 and 2 threads give the same bits). "main thread (before)" runs the job between awaits on the calling thread, as training ran before it moved to a worker;',
  '"worker thread" runs it in `train-worker.js`, with 2 threads one shard on a helper thread. The event-loop delay is what a request to `semagic serve` or',
  "the Electron main process would wait while a job trains (perf_hooks.monitorEventLoopDelay over the whole job, preparation included). CPU cores busy: process CPU time / wall time over the timed steps.",
  `Worker rows: best steps/s of ${ROUNDS} alternated runs each (the event-loop figures are the worst of them).`,
  `**The machine was shared**: other engineers' tests, builds and benchmarks ran on the same 2 cores (load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end). ` +
    (getPriority() < 0
      ? `This run had priority nice ${getPriority()} (\`sudo nice -n ${getPriority()} ${COMMAND}\`) so that the other processes mostly yielded the cores to it, as on an idle machine; "CPU cores busy" shows how much it got.`
      : 'Wall-clock figures, the 2-thread ones most (a step waits for both threads), depend on how much of the cores the run got ("CPU cores busy").'),

  `**The machine's parallel capacity**: a plain integer loop on two threads at once did ${capacityBefore.toFixed(2)}x (before) and ${capacityAfter.toFixed(2)}x (after) the work of one thread in the same time`,
  '(2.00 = two cores; 1.00 = the 2 vCPUs deliver one core between them). The 2-thread speed-up of training cannot exceed it.',
  '',
  ...jobLines,
  MARK_END,
].join('\n')
console.log(section)
if (!process.env.BENCH_NO_WRITE) updateBenchmarks(section, MARK_BEGIN, MARK_END)
