/**
 * Times `datasets make --example fox` without the import: the shipped fox rendered into a
 * 275-image SPair tree (200/25/50) in a temp folder that is removed afterwards, and says what
 * the tree holds (keypoints annotated per image, truncated and occluded shares).
 *
 *   npx vite-node bench/asset-make.bench.ts
 *
 * Writes its section of BENCHMARKS.md. Single-threaded, like the demo generator: CPU close to
 * wall means it had its core to itself; the load average before the run says what shared it.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { makeAssetDataset } from '../src/main/datasets/asset/make-asset-dataset'
import { exampleKeypointFile } from '../src/main/services/assets/assets-service'
import { tempDir } from '../test/helpers/temp-dir'
import { cpuModel, updateBenchmarks } from './bench-report'

const MARK_BEGIN = '<!-- bench:asset-make -->'
const MARK_END = '<!-- /bench:asset-make -->'

interface ImageJson {
  kps: Record<string, unknown>
  truncated: number
  occluded: number
}

async function main(): Promise<void> {
  const dir = tempDir('semagic-asset-bench-')
  try {
    const loadBefore = loadavg()[0]!
    const cpu = process.cpuUsage()
    const t = performance.now()
    const summary = await makeAssetDataset({ keypoints: exampleKeypointFile('fox'), out: join(dir.path, 'fox') })
    const wallS = (performance.now() - t) / 1000
    const used = process.cpuUsage(cpu)
    const counts = summary.categories[summary.category]!
    const annotations = join(summary.root, 'ImageAnnotation', summary.category)
    const images = readdirSync(annotations).map((f) => JSON.parse(readFileSync(join(annotations, f), 'utf8')) as ImageJson)
    const keypoints = summary.keypointNames[summary.category]!.length
    const annotated = images.reduce((n, i) => n + Object.values(i.kps).filter((k) => k !== null).length, 0) / images.length
    let files = 0
    let bytes = 0
    for (const entry of readdirSync(summary.root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue
      files++
      bytes += statSync(join(entry.parentPath, entry.name)).size
    }
    const share = (f: (i: ImageJson) => boolean): string => `${((100 * images.filter(f).length) / images.length).toFixed(0)} %`
    const machine = `${availableParallelism()} cores, ${cpuModel()}, Node ${process.version}, ${process.platform}-${process.arch}`
    const lines = [
      MARK_BEGIN,
      '## Rendering a benchmark from a 3-D asset (the fox)',
      '',
      '- command: `npx vite-node bench/asset-make.bench.ts` (what `semagic datasets make --example fox` renders, without the import)',
      `- machine: ${machine}`,
      `- date: ${new Date().toISOString().slice(0, 10)}`,
      '',
      '| images trn/val/test | pairs trn/val/test | wall, s | CPU, s | images/s | files | MB | keypoints annotated per image | truncated | occluded | load average before |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      `| ${counts.images.trn}/${counts.images.val}/${counts.images.test} | ${counts.pairs.trn}/${counts.pairs.val}/${counts.pairs.test} | ${wallS.toFixed(1)} | ${((used.user + used.system) / 1e6).toFixed(1)} | ` +
        `${(images.length / wallS).toFixed(1)} | ${files} | ${(bytes / 1e6).toFixed(1)} | ${annotated.toFixed(1)} of ${keypoints} | ${share((i) => i.truncated === 1)} | ${share((i) => i.occluded === 1)} | ${loadBefore.toFixed(2)} |`,
      MARK_END,
    ]
    const section = lines.join('\n')
    process.stdout.write(`${section}\n`)
    updateBenchmarks(section, MARK_BEGIN, MARK_END)
  } finally {
    dir.remove()
  }
}

void main()
