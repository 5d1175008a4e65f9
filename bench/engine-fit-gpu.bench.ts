/**
 * Times a fit of a trained model (infer/fit-image: 150 steps, every hypothesis, category frozen)
 * on the CPU engine and on the GPU engine (gpu/gpu-fit), one image and a batch fitted together,
 * and records the figures in BENCHMARKS.md.
 *
 *   BENCH_SOFTWARE_GPU=1 nice -n 10 npx vite-node bench/engine-fit-gpu.bench.ts
 *
 * BENCH_SOFTWARE_GPU=1 points Vulkan at SwiftShader (a machine without a GPU); without it the
 * first adapter Dawn offers is used. BENCH_BATCH=n fits n images together in the batch row
 * (default 8); BENCH_NO_WRITE=1 prints without touching BENCHMARKS.md.
 *
 * Default settings (METHOD §9), the images of bench/engine-train.bench.ts; the model is the
 * category after 4 training steps (a fit's cost does not depend on how well it is trained).
 */
import { availableParallelism, loadavg } from 'node:os'
import { adapterLabel, openEngineDevice } from '../src/main/engine/gpu/adapter'
import { fitImagesOnGpu } from '../src/main/engine/gpu/gpu-fit'
import { fitImageCandidates, fitSteps } from '../src/main/engine/infer/fit-image'
import type { FitCandidates } from '../src/main/engine/infer/fit-image'
import { startTraining, trainStep } from '../src/main/engine/train/train-category'
import { useSoftwareGpu } from '../test/helpers/software-gpu'
import { cpuModel, publishSection, runBench } from './bench-report'
import { C, GRID, benchImages } from './engine-train-data'

const COMMAND = 'BENCH_SOFTWARE_GPU=1 nice -n 10 npx vite-node bench/engine-fit-gpu.bench.ts'
const MARK_BEGIN = '<!-- bench:engine-fit-gpu -->'
const MARK_END = '<!-- /bench:engine-fit-gpu -->'
const BATCH = Number(process.env.BENCH_BATCH ?? 8)

async function timedRun<T>(run: () => Promise<T> | T): Promise<{ out: T; seconds: number }> {
  const t0 = performance.now()
  const out = await run()
  return { out, seconds: (performance.now() - t0) / 1000 }
}

async function main(): Promise<number> {
  if (process.env.BENCH_SOFTWARE_GPU) useSoftwareGpu()
  const images = benchImages()
  const { state, targets } = startTraining({ images }, { seed: 0 })
  for (let s = 0; s < 4; s++) trainStep(state, targets)
  const model = state.model
  const load0 = loadavg()[0]!

  const cpu = await timedRun(() => fitImageCandidates(model, images[0]!))
  const device = await openEngineDevice('gpu')
  if (device.kind !== 'gpu') throw new Error('no GPU device')
  let one: { out: FitCandidates[]; seconds: number }
  let batch: { out: FitCandidates[]; seconds: number }
  try {
    one = await timedRun(() => fitImagesOnGpu(device.device, model, [images[0]!]))
    batch = await timedRun(() => fitImagesOnGpu(device.device, model, images.slice(0, BATCH)))
  } finally {
    device.device.destroy()
  }
  const load1 = loadavg()[0]!
  const gpu = `GPU: ${adapterLabel(device.adapter)}`
  const steps = fitSteps({})
  const row = (engine: string, count: number, seconds: number): string =>
    `| ${engine} | ${count} | ${seconds.toFixed(1)} | ${(seconds / count).toFixed(2)} | ${((1000 * seconds) / steps).toFixed(0)} |`
  const g = one.out[0]!.best
  const c = cpu.out.best
  const agree = `kept hypothesis ${g.hypothesis} on the GPU, ${c.hypothesis} on the CPU; final loss ${g.loss.total.toFixed(4)} against ${c.loss.total.toFixed(4)} (${((100 * Math.abs(g.loss.total - c.loss.total)) / c.loss.total).toFixed(3)} % apart)`

  const section = [
    MARK_BEGIN,
    '## Engine: fitting an image with a trained model, CPU and GPU',
    '',
    `\`${COMMAND}\` on ${cpuModel()} (${availableParallelism()} cores), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end (the machine was shared).`,
    `Default settings: ${steps} steps, 642 vertices, 8 hypotheses + mirrors, ${C} channels on ${GRID} x ${GRID}, 64 x 64 masks, \`semagic\`; the CPU engine (infer/fit-image) and the GPU engine fitting the images together (gpu/gpu-fit).`,
    '**SwiftShader is a CPU implementation of Vulkan**: its rows check correctness; their speed says nothing about a GPU\'s.',
    '',
    '| engine | images fitted together | s | s/image | ms/step |',
    '| --- | --- | --- | --- | --- |',
    row('CPU, 1 thread', 1, cpu.seconds),
    row(gpu, 1, one.seconds),
    row(gpu, BATCH, batch.seconds),
    '',
    `The first image's fit: ${agree} (ties: [gpu-cpu-parity.md](docs/experiments/gpu-cpu-parity.md)).`,
    MARK_END,
  ].join('\n')
  publishSection(section, MARK_BEGIN, MARK_END)
  return 0
}

runBench(main)
