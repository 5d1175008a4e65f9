/**
 * Times the training step on the GPU engine (gpu/gpu-executor, and the resident trainer,
 * gpu/resident-trainer, which runs both variants here on a GPU) next to the CPU engine on 1 and 2
 * threads, and records the figures in BENCHMARKS.md.
 *
 *   BENCH_SOFTWARE_GPU=1 npx vite-node bench/engine-train-gpu.bench.ts
 *
 * BENCH_SOFTWARE_GPU=1 points Vulkan at SwiftShader (a machine without a GPU); without it the
 * first adapter Dawn offers is used. BENCH_STEPS=n times n steps instead of 10; BENCH_NO_WRITE=1
 * prints without touching BENCHMARKS.md.
 *
 * Default settings (METHOD §9), the images of bench/engine-train.bench.ts. Every engine runs in
 * this thread from the sources through vite-node (the 2-thread row hands one shard to a bundled
 * helper thread), so the rows compare engines, not builds: engine-train.bench.ts times the
 * bundled jobs.
 */
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { adapterLabel, openEngineDevice } from '../src/main/engine/gpu/adapter'
import { createGpuShardExecutor } from '../src/main/engine/gpu/gpu-executor'
import { GpuResidentTrainer } from '../src/main/engine/gpu/resident-trainer'
import type { EngineVariant } from '../src/main/engine/model/config'
import type { StepProfile } from '../src/main/engine/train/image-step'
import { startTraining, trainStep, trainStepWith } from '../src/main/engine/train/train-category'
import type { ShardExecutor } from '../src/main/engine/train/train-category'
import type { TrainingData } from '../src/main/engine/train/training-data'
import { createShardPool } from '../src/main/train/shard-pool'
import { useSoftwareGpu } from '../test/helpers/software-gpu'
import { trainWorkerDir } from '../test/helpers/train-worker-build'
import { cpuModel, publishSection, runBench } from './bench-report'
import { C, GRID, benchImages } from './engine-train-data'

const COMMAND = 'BENCH_SOFTWARE_GPU=1 npx vite-node bench/engine-train-gpu.bench.ts'
const MARK_BEGIN = '<!-- bench:engine-train-gpu -->'
const MARK_END = '<!-- /bench:engine-train-gpu -->'
const WARMUP = 2
const STEPS = Number(process.env.BENCH_STEPS ?? 10)

/** The profile's parts of a GPU step, grouped. */
const PHASES: [string, string[]][] = [
  ['instance forward (CPU)', ['category forward', 'instance forward']],
  ['forward, regularisers + scoring (GPU round trip, resident)', ['gpu forward + scoring']],
  ['feature field forward + backward (GPU round trips)', ['gpu feature field']],
  ['scoring every hypothesis + mirror (GPU round trip)', ['gpu scoring']],
  ['mirror and best choices (CPU)', ['decisions']],
  ['best views\' gradients (GPU round trip)', ['gpu best hypothesis']],
  ['backward into codes and category (GPU round trip, semagic)', ['gpu backward']],
  ['backward (CPU: regularisers; all of it for baseline)', ['shape backward', 'category backward']],
  ['Adam (CPU)', ['optimiser']],
]

interface Row {
  variant: EngineVariant
  engine: string
  msPerStep: number
  losses: number[]
  profile: StepProfile
  /** Process CPU time over wall time (all its threads: helpers, SwiftShader's). */
  cores: number
}

async function measure(variant: EngineVariant, engine: string, step: (profile?: StepProfile) => Promise<number>): Promise<Row> {
  const losses: number[] = []
  for (let s = 0; s < WARMUP; s++) losses.push(await step())
  const profile: StepProfile = {}
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (let s = 0; s < STEPS; s++) losses.push(await step(profile))
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  for (const k of Object.keys(profile)) profile[k]! /= STEPS
  return { variant, engine, msPerStep: wall / STEPS, losses, profile, cores: (cpu.user + cpu.system) / 1000 / wall }
}

/** One variant on the three engines, each from the same start. */
async function measureVariant(variant: EngineVariant, data: TrainingData): Promise<Row[]> {
  const config = { variant, seed: 0 }
  const cpu1 = startTraining(data, config)
  const rows: Row[] = [await measure(variant, 'CPU, 1 thread', async (p) => trainStep(cpu1.state, cpu1.targets, p).total!)]

  const cpu2 = startTraining(data, config)
  const pool = await createShardPool(join(trainWorkerDir(), 'train-worker.js'), 1, cpu2.state, cpu2.targets)
  try {
    const executor: ShardExecutor = pool.executor
    rows.push(await measure(variant, 'CPU, 2 threads', async (p) => (await trainStepWith(executor, cpu2.state, cpu2.targets, p)).total!))
  } finally {
    await pool.dispose()
  }

  const device = await openEngineDevice('gpu')
  if (device.kind !== 'gpu') throw new Error('no GPU device')
  const gpu = startTraining(data, config)
  const engine = await createGpuShardExecutor(device.device, gpu.state, gpu.targets)
  try {
    rows.push(await measure(variant, `GPU: ${adapterLabel(device.adapter)}`, async (p) => (await trainStepWith(engine.executor, gpu.state, gpu.targets, p)).total!))
    const resident = startTraining(data, config)
    const trainer = await GpuResidentTrainer.create(device.device, resident.state, resident.targets)
    try {
      rows.push(await measure(variant, `GPU resident: ${adapterLabel(device.adapter)}`, async (p) => (await trainer.step(resident.state, resident.targets, p)).total!))
    } finally {
      trainer.destroy()
    }
  } finally {
    engine.dispose()
    device.device.destroy()
  }
  return rows
}

async function main(): Promise<number> {
  if (process.env.BENCH_SOFTWARE_GPU) useSoftwareGpu()
  const data = { images: benchImages() }
  const load0 = loadavg()[0]!
  const rows: Row[] = []
  for (const variant of ['semagic', 'baseline'] as const) rows.push(...(await measureVariant(variant, data)))
  const load1 = loadavg()[0]!
  const percent = (d: number): string => `${(100 * d).toFixed(2)} %`
  const parity = rows.filter((r) => r.engine.startsWith('GPU')).map((gpu) => {
    const cpu = rows.find((r) => r.variant === gpu.variant)!
    const deviation = gpu.losses.map((l, s) => Math.abs(l - cpu.losses[s]!) / cpu.losses[s]!)
    const worst = deviation.reduce((w, d, s) => (d > deviation[w]! ? s : w), 0)
    return `\`${gpu.variant}\`${gpu.engine.startsWith('GPU resident') ? ' resident' : ''}: ${percent(deviation[0]!)} apart at step 1, ${percent(deviation[worst]!)} at worst (step ${worst + 1}), ${percent(deviation[deviation.length - 1]!)} at step ${deviation.length}`
  })

  const section = [
    MARK_BEGIN,
    '## Engine: training step on the GPU engine',
    '',
    `\`${COMMAND}\` on ${cpuModel()} (${availableParallelism()} cores), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end, shared (CPU cores busy: process CPU time / wall time).`,
    `Default settings: 642 vertices, batch 24, 8 hypotheses + mirrors (384 views scored per step), ${C} channels on ${GRID} x ${GRID}, 64 x 64 masks; mean of ${STEPS} steps after ${WARMUP} warm-up steps, every engine in this thread.`,
    '**SwiftShader is a CPU implementation of Vulkan**: its rows check correctness; their speed says nothing about a GPU\'s.',
    'GPU rows: gpu/gpu-executor.ts (articulated runs); resident rows: gpu/resident-trainer.ts (every other run on a GPU); what each runs on the device: [docs/gpu.md](docs/gpu.md). Phases are of the GPU rows; a round trip includes the upload and the read-back.',
    '',
    `| variant | engine | ms/step | steps/s | 600 steps | CPU cores busy | ${PHASES.map(([n]) => n).join(' | ')} |`,
    `|${' --- |'.repeat(6 + PHASES.length)}`,
    ...rows.map((r) => {
      const gpu = r.engine.startsWith('GPU')
      const parts = PHASES.map(([, keys]) => (gpu ? `${keys.reduce((sum, k) => sum + (r.profile[k] ?? 0), 0).toFixed(0)} ms` : ''))
      return `| ${r.variant} | ${r.engine} | ${r.msPerStep.toFixed(0)} | ${(1000 / r.msPerStep).toFixed(2)} | ${((600 * r.msPerStep) / 60000).toFixed(1)} min | ${r.cores.toFixed(2)} | ${parts.join(' | ')} |`
    }),
    '',
    `The GPU run's total loss against the CPU (1 thread) run's from the same start: ${parity.join('; ')} (why they part at ties: [gpu-cpu-parity.md](docs/experiments/gpu-cpu-parity.md)).`,
    MARK_END,
  ].join('\n')
  publishSection(section, MARK_BEGIN, MARK_END)
  return 0
}

runBench(main)
