/**
 * Times the engine's training step on this machine and records the figures in BENCHMARKS.md.
 *
 *   npx vite-node bench/engine-train.bench.ts
 *
 * Default settings (METHOD §9): a level-3 template (642 vertices), batch 24, 8 camera
 * hypotheses with mirror scoring, 64 feature channels on a 17 x 17 grid, 64 x 64 masks. Data:
 * 48 views of a known object rendered by the engine's rasteriser, its features lifted to 64
 * channels; the step's cost does not depend on what the images show.
 */
import { unitFeatureMap } from '../src/main/features/backbones/feature-map'
import { SeededRandom } from '../src/main/engine/math/seeded-random'
import type { EngineVariant } from '../src/main/engine/model/config'
import { startTraining, trainStep } from '../src/main/engine/train/train-category'
import type { TrainingImage } from '../src/main/engine/train/training-data'
import { CHANNELS, renderView, syntheticObject } from '../test/unit/engine/synthetic-views'
import { cpuModel, updateBenchmarks } from './bench-report'

const COMMAND = 'npx vite-node bench/engine-train.bench.ts'
const MARK_BEGIN = '<!-- bench:engine-train -->'
const MARK_END = '<!-- /bench:engine-train -->'
const WARMUP = 3
const STEPS = 20
const C = 64
const GRID = 17

function images(): TrainingImage[] {
  const object = syntheticObject(3, true)
  const rng = new SeededRandom(1)
  const lift = Float64Array.from({ length: CHANNELS * C }, () => rng.normal())
  return Array.from({ length: 48 }, (_, k) => {
    const view = renderView(object, [(2 * rng.next() - 1) * Math.PI, 0.25, 0, Math.log(0.6), 0, 0], GRID, 299)
    const plane = GRID * GRID
    const values = new Float64Array(plane * C)
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < C; c++) {
        let s = 0
        for (let q = 0; q < CHANNELS; q++) s += lift[q * C + c]! * view.features.data[q * plane + p]!
        values[p * C + c] = s
      }
    }
    return { key: `view-${k}`, mask: view.mask, features: unitFeatureMap(values, 'hwc', C, GRID, GRID, 299 / GRID) }
  })
}

interface Row {
  variant: EngineVariant
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

function measure(variant: EngineVariant, data: TrainingImage[]): Row {
  const { state, targets } = startTraining({ images: data }, { variant, seed: 0 })
  for (let s = 0; s < WARMUP; s++) trainStep(state, targets)
  const profile: Record<string, number> = {}
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (let s = 0; s < STEPS; s++) trainStep(state, targets, profile)
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const parts = Object.fromEntries(PHASES.map(([name, keys]) => [name, keys.reduce((sum, k) => sum + (profile[k] ?? 0), 0) / STEPS]))
  return { variant, msPerStep: wall / STEPS, parts, cpuShare: (cpu.user + cpu.system) / 1000 / wall }
}

const data = images()
const rows = (['semagic', 'baseline'] as const).map((v) => measure(v, data))
const header = `| variant | ms/step | steps/s | 600 steps | ${PHASES.map(([n]) => n).join(' | ')} | own CPU share |`
const lines = [
  header,
  `|${' --- |'.repeat(4 + PHASES.length + 1)}`,
  ...rows.map((r) => {
    const shares = PHASES.map(([n]) => `${r.parts[n]!.toFixed(1)} ms (${((100 * r.parts[n]!) / r.msPerStep).toFixed(0)} %)`)
    return `| ${r.variant} | ${r.msPerStep.toFixed(0)} | ${(1000 / r.msPerStep).toFixed(2)} | ${((600 * r.msPerStep) / 60000).toFixed(1)} min | ${shares.join(' | ')} | ${r.cpuShare.toFixed(2)} |`
  }),
]
const section = [
  MARK_BEGIN,
  '## Engine: training step',
  '',
  `\`${COMMAND}\` on ${cpuModel()}, Node ${process.version}, plain TypeScript (no tfjs), one thread.`,
  `642 vertices, batch 24, 8 hypotheses + mirrors, ${C} channels on ${GRID} x ${GRID}, 64 x 64 masks; mean of ${STEPS} steps after ${WARMUP} warm-up steps.`,
  '`semagic` has per-vertex features and basis; `baseline` evaluates an MLP feature field at 24 x 642 points and a deformation field each step.',
  'Shares do not sum to 100 %: the rest is batch sampling and bookkeeping. An own CPU share under ~0.95 means other processes shared the core.',
  '',
  ...lines,
  MARK_END,
].join('\n')
console.log(section)
updateBenchmarks(section, MARK_BEGIN, MARK_END)
