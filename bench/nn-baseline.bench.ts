/**
 * The 2-D nearest-neighbour baseline per backbone on the built-in demo data set (full size,
 * test split): feature throughput and PCK. Run: `npx vite-node bench/nn-baseline.bench.ts`.
 * The workspace (.data/bench-workspace) is kept, so a second run measures cache hits.
 */
import { existsSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../src/main/core/create-core'
import type { EvalResult } from '../src/main/services/eval/eval-service'
import type { ExtractSummary } from '../src/shared/ipc/channels/features'
import { cpuModel, updateBenchmarks } from './bench-report'

const MARK_BEGIN = '<!-- bench:nn-baseline -->'
const MARK_END = '<!-- /bench:nn-baseline -->'
const BACKBONES = ['handmade', 'mobilenetv2', 'inceptionv3']

async function main(): Promise<void> {
  const root = join(__dirname, '..')
  const built = join(root, 'out', 'main')
  const core = createCore({
    dataDir: join(root, '.data', 'bench-workspace'),
    workerDir: existsSync(join(built, 'feature-worker.js')) ? built : null,
    log: (level, message) => process.stderr.write(`${level}: ${message}\n`),
  })
  try {
    await core.services.demo.ensure()
    const demo = core.services.datasets.get('demo')
    const rows: string[] = []
    for (const backbone of BACKBONES) {
      const load = loadavg()[0]!
      const features: ExtractSummary = (await core.services.features.ensure('demo', backbone, {})).summary
      const started = performance.now()
      const report: EvalResult = await core.services.eval.evaluate({
        dataset: 'demo',
        split: 'test',
        method: `nn-${backbone}`,
        alphas: [0.05, 0.1, 0.15],
        threshold: 'bbox',
        compare: 'le',
      })
      const seconds = (performance.now() - started) / 1000
      const at = report.overall['0.1']!
      const vp2 = report.flags.viewpoint_variation['2']?.['0.1']
      const cats = Object.entries(report.categories)
        .map(([c, v]) => `${c} ${(100 * v['0.1']!.perImage).toFixed(1)}`)
        .join(', ')
      const rate = features.imagesPerSecond === null ? 'cached' : `${features.imagesPerSecond.toFixed(2)} images/s`
      const line = `| nn-${backbone} | ${(100 * at.perImage).toFixed(1)} | ${(100 * at.perPoint).toFixed(1)} | ${vp2 ? (100 * vp2.perImage).toFixed(1) : '-'} | ${(100 * report.overall['0.05']!.perImage).toFixed(1)} | ${(100 * report.overall['0.15']!.perImage).toFixed(1)} | ${cats} | ${at.pairs} | ${rate} (${features.backend}) | ${seconds.toFixed(1)} s${report.cache === 'hit' ? ' (cache hit)' : ''} | ${load.toFixed(1)} |`
      process.stdout.write(`${line}\n`)
      rows.push(line)
    }
    const machine = `${availableParallelism()} cores (nproc), ${cpuModel()}, Node ${process.version}, ${process.platform}-${process.arch}, ${new Date().toISOString().slice(0, 10)}`
    const section = [
      MARK_BEGIN,
      '## 2-D nearest-neighbour baseline on the built-in demo data set',
      '',
      `Command: \`npx vite-node bench/nn-baseline.bench.ts\` (after \`npm run build\`, so that features are extracted by two worker threads). Data: \`demo\` = the synthetic benchmark at full size, seed 1 (${demo.images} images, test split ${demo.pairs.test} pairs), square crops of the box with 10 % margin, nearest neighbour inside the target box, similarity upsampled 4x per cell. PCK per image at alpha 0.1 unless stated, target-bbox threshold, \`<=\`. Machine: ${machine}.`,
      '',
      '| method | PCK@0.1 per image | per point | viewpoint_variation 2 | PCK@0.05 | PCK@0.15 | per category @0.1 | pairs | feature extraction | eval time | load avg |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      MARK_END,
    ].join('\n')
    updateBenchmarks(section, MARK_BEGIN, MARK_END)
    process.stdout.write(`${machine}\nBENCHMARKS.md updated\n`)
  } finally {
    core.close()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})
