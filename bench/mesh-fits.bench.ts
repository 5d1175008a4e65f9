/**
 * Fitting images with a trained category frozen (what evaluating a `mesh:` method, the Meshes
 * view and the Transfer view wait for): in the thread that answers the studio, between awaits,
 * as it ran before, against the fitting pool's helper threads.
 *
 *   npx vite-node bench/mesh-fits.bench.ts
 *
 * Default engine config (642 vertices, 8 hypotheses and their mirrors, 150 steps per image) on
 * views of the engine tests' synthetic object; the model is untrained, which costs a fit the
 * same. Every row runs the same esbuild bundle (test/helpers/train-worker-build). The event-loop
 * delay is what a request to `semagic serve` or the Electron main process waits meanwhile.
 */
import { createRequire } from 'node:module'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { SeededRandom } from '../src/main/engine/math/seeded-random'
import { startTraining } from '../src/main/engine/train/train-category'
import type { fitImages as FitImages } from '../src/main/train/fit-pool'
import type { FitTask } from '../src/main/train/train-protocol'
import { trainWorkerDir } from '../test/helpers/train-worker-build'
import { renderView, syntheticObject } from '../test/unit/engine/synthetic-views'
import { cpuModel, runBench, updateBenchmarks } from './bench-report'

const IMAGES = 16
const { fitImages } = createRequire(__filename)(join(trainWorkerDir(), 'fit-pool.js')) as { fitImages: typeof FitImages }

function views(count: number, seed: number): FitTask[] {
  const object = syntheticObject(3, true)
  const rng = new SeededRandom(seed)
  return Array.from({ length: count }, (_, k) => {
    const view = renderView(object, [(2 * rng.next() - 1) * Math.PI, 0.25, 0, Math.log(0.6), 0.05 * rng.normal(), 0.05 * rng.normal()])
    return { key: `view-${k}`, features: view.features, mask: view.mask }
  })
}

interface Row {
  where: string
  threads: number
  seconds: number
  perSecond: number
  loopMax: number
  loopP99: number
}

async function main(): Promise<number> {
  const { state } = startTraining({ images: views(8, 1).map((v) => ({ ...v })) }, { variant: 'semagic' })
  const model = state.model
  const tasks = views(IMAGES, 2)
  const workerFile = join(trainWorkerDir(), 'train-worker.js')
  const rows: Row[] = []
  const load = loadavg()[0]!.toFixed(1)
  for (const [where, threads, file] of [
    ['main thread (before)', 1, null],
    ['helper threads', 1, workerFile],
    ['helper threads', 2, workerFile],
  ] as const) {
    const delay = monitorEventLoopDelay({ resolution: 5 })
    delay.enable()
    const t0 = performance.now()
    let n = 0
    await fitImages(model, tasks.map((t) => t.key), (key) => tasks.find((t) => t.key === key)!, { workerFile: file, threads }, { onFit: () => void n++ })
    const seconds = (performance.now() - t0) / 1000
    delay.disable()
    if (n !== IMAGES) throw new Error(`${where}: ${n} of ${IMAGES} fitted`)
    rows.push({ where, threads, seconds, perSecond: IMAGES / seconds, loopMax: delay.max / 1e6, loopP99: delay.percentile(99) / 1e6 })
    console.log(`${where}, ${threads} thread(s): ${seconds.toFixed(1)} s, ${(IMAGES / seconds).toFixed(2)} images/s, event loop max ${(delay.max / 1e6).toFixed(0)} ms`)
  }
  const base = rows[0]!.perSecond
  const table = [
    '| where the fits run | threads | 16 images | images/s | speed-up | main-thread event-loop delay: max | p99 |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.where} | ${r.threads} | ${r.seconds.toFixed(1)} s | ${r.perSecond.toFixed(2)} | ${(r.perSecond / base).toFixed(2)}x | ${r.loopMax.toFixed(0)} ms | ${r.loopP99.toFixed(0)} ms |`),
  ].join('\n')
  const date = new Date().toISOString().slice(0, 10)
  updateBenchmarks(
    [
      '<!-- bench:mesh-fits -->',
      '## Fitting images with a trained category (mesh: evaluation, Meshes, Transfer)',
      '',
      `\`npx vite-node bench/mesh-fits.bench.ts\` on ${cpuModel()} (${cpus().length} cores), Node ${process.version}, ${date}; load average ${load} at the start (other work on the machine shows here).`,
      `${IMAGES} views of the engine tests' synthetic object, default engine config (642 vertices, 8 hypotheses and their mirrors, 150 steps per image),`,
      'every row on the same esbuild bundle. "main thread (before)" fits one image between two awaits in the thread that answers the studio, as',
      'evaluation did before the fitting pool; the event-loop delay is what a request waits meanwhile (perf_hooks.monitorEventLoopDelay).',
      '',
      table,
      '<!-- /bench:mesh-fits -->',
    ].join('\n'),
    '<!-- bench:mesh-fits -->',
    '<!-- /bench:mesh-fits -->',
  )
  return 0
}

runBench(main)
