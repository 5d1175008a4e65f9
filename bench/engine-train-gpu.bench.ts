/**
 * Times the training step on the GPU engine (gpu/gpu-executor) next to the CPU engine on 1 and 2
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
import type { StepProfile } from '../src/main/engine/train/image-step'
import { startTraining, trainStep, trainStepWith } from '../src/main/engine/train/train-category'
import type { ShardExecutor } from '../src/main/engine/train/train-category'
import { createShardPool } from '../src/main/train/shard-pool'
import { useSoftwareGpu } from '../test/helpers/software-gpu'
import { trainWorkerDir } from '../test/helpers/train-worker-build'
import { cpuModel, runBench, updateBenchmarks } from './bench-report'
import { C, GRID, benchImages } from './engine-train-data'

const COMMAND = 'BENCH_SOFTWARE_GPU=1 npx vite-node bench/engine-train-gpu.bench.ts'
const MARK_BEGIN = '<!-- bench:engine-train-gpu -->'
const MARK_END = '<!-- /bench:engine-train-gpu -->'
const WARMUP = 2
const STEPS = Number(process.env.BENCH_STEPS ?? 10)

/** The profile's parts of a GPU step, grouped. */
const PHASES: [string, string[]][] = [
  ['instance forward (CPU)', ['category forward', 'instance forward']],
  ['scoring every hypothesis + mirror (GPU round trip)', ['gpu scoring']],
  ['mirror and best choices (CPU)', ['decisions']],
  ['best views\' gradients (GPU round trip)', ['gpu best hypothesis']],
  ['backward (CPU)', ['shape backward', 'category backward']],
  ['Adam (CPU)', ['optimiser']],
]

interface Row {
  engine: string
  msPerStep: number
  losses: number[]
  profile: StepProfile
}

async function measure(engine: string, step: (profile?: StepProfile) => Promise<number>): Promise<Row> {
  const losses: number[] = []
  for (let s = 0; s < WARMUP; s++) losses.push(await step())
  const profile: StepProfile = {}
  const t0 = performance.now()
  for (let s = 0; s < STEPS; s++) losses.push(await step(profile))
  const msPerStep = (performance.now() - t0) / STEPS
  for (const k of Object.keys(profile)) profile[k]! /= STEPS
  return { engine, msPerStep, losses, profile }
}

async function main(): Promise<number> {
  if (process.env.BENCH_SOFTWARE_GPU) useSoftwareGpu()
  const data = { images: benchImages() }
  const load0 = loadavg()[0]!
  const config = { variant: 'semagic' as const, seed: 0 }

  const cpu1 = startTraining(data, config)
  const rows: Row[] = [await measure('CPU, 1 thread', async (p) => trainStep(cpu1.state, cpu1.targets, p).total!)]

  const cpu2 = startTraining(data, config)
  const pool = await createShardPool(join(trainWorkerDir(), 'train-worker.js'), 1, cpu2.state, cpu2.targets)
  try {
    const executor: ShardExecutor = pool.executor
    rows.push(await measure('CPU, 2 threads', async (p) => (await trainStepWith(executor, cpu2.state, cpu2.targets, p)).total!))
  } finally {
    await pool.dispose()
  }

  const device = await openEngineDevice('gpu')
  if (device.kind !== 'gpu') throw new Error('no GPU device')
  const gpu = startTraining(data, config)
  const engine = await createGpuShardExecutor(device.device, gpu.state, gpu.targets)
  try {
    rows.push(await measure(`GPU: ${adapterLabel(device.adapter)}`, async (p) => (await trainStepWith(engine.executor, gpu.state, gpu.targets, p)).total!))
  } finally {
    engine.dispose()
    device.device.destroy()
  }
  const load1 = loadavg()[0]!
  const gpuRow = rows[2]!
  const deviation = gpuRow.losses.map((l, s) => Math.abs(l - rows[0]!.losses[s]!) / rows[0]!.losses[s]!)
  const percent = (d: number): string => `${(100 * d).toFixed(2)} %`
  const worst = deviation.reduce((w, d, s) => (d > deviation[w]! ? s : w), 0)

  const section = [
    MARK_BEGIN,
    '## Engine: training step on the GPU engine',
    '',
    `\`${COMMAND}\` on ${cpuModel()} (${availableParallelism()} cores), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end (the machine was shared).`,
    `\`semagic\` at the defaults: 642 vertices, batch 24, 8 hypotheses + mirrors (384 views scored per step), ${C} channels on ${GRID} x ${GRID}, 64 x 64 masks; mean of ${STEPS} steps after ${WARMUP} warm-up steps, every engine in this thread from the sources (vite-node).`,
    '**SwiftShader is a CPU implementation of Vulkan**: its row checks that the GPU engine runs and agrees with the CPU engine here and in CI; its speed says nothing about a GPU\'s. No task so far has been lent a GPU machine to time one.',
    'The GPU engine runs the per-view work on the device (projection, z-buffer visibility, the loss terms, camera gradients of every hypothesis and mirror, then the best views\' vertex and feature gradients: two round trips a step); the instance forward and backward passes, the regularisers and Adam run on the CPU (gpu/gpu-executor.ts).',
    '',
    `| engine | ms/step | steps/s | 600 steps | ${PHASES.map(([n]) => n).join(' | ')} |`,
    `|${' --- |'.repeat(4 + PHASES.length)}`,
    ...rows.map((r) => {
      const parts = r === gpuRow ? PHASES.map(([, keys]) => `${keys.reduce((sum, k) => sum + (r.profile[k] ?? 0), 0).toFixed(0)} ms`) : PHASES.map(() => '')
      return `| ${r.engine} | ${r.msPerStep.toFixed(0)} | ${(1000 / r.msPerStep).toFixed(2)} | ${((600 * r.msPerStep) / 60000).toFixed(1)} min | ${parts.join(' | ')} |`
    }),
    '',
    `The GPU run's total loss against the CPU (1 thread) run's from the same start: ${percent(deviation[0]!)} apart at step 1, ${percent(deviation[worst]!)} at worst (step ${worst + 1}), ${percent(deviation[deviation.length - 1]!)} at step ${deviation.length}.`,
    'With 8 hypotheses the first cameras include azimuths 90 and 180 degrees, which look along the symmetric template\'s planes: there pairs of vertices tie for a chamfer sample and opposite hypotheses fit equally well but for rounding, float64 and f32 break the ties differently, and the runs drift apart as two seeds would ([gpu-cpu-parity.md](docs/experiments/gpu-cpu-parity.md)).',
    MARK_END,
  ].join('\n')
  console.log(section)
  if (!process.env.BENCH_NO_WRITE) updateBenchmarks(section, MARK_BEGIN, MARK_END)
  return 0
}

runBench(main)
