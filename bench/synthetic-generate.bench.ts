/**
 * Times the built-in synthetic benchmark: the default full set (3 categories x 275 images and
 * their pairs) and the small one, each written to a temp folder that is removed afterwards.
 *
 *   npx vite-node bench/synthetic-generate.bench.ts
 *
 * Writes its section of BENCHMARKS.md. Budget: the full set in under 60 s on 2 cores. The
 * generator is single-threaded, so CPU close to wall means it had its core to itself; the
 * load average before the run says whether other work shared the machine.
 */
import { readdirSync, statSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { generateSynthetic } from '../src/main/datasets/synthetic/generate'
import { tempDir } from '../test/helpers/temp-dir'
import { cpuModel, updateBenchmarks } from './bench-report'

const MARK_BEGIN = '<!-- bench:synthetic-generate -->'
const MARK_END = '<!-- /bench:synthetic-generate -->'

interface Row {
  size: 'small' | 'full'
  wallS: number
  cpuS: number
  images: number
  pairs: number
  files: number
  megabytes: number
  loadBefore: number
}

function treeSize(root: string): { files: number; bytes: number } {
  let files = 0
  let bytes = 0
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    files++
    bytes += statSync(join(entry.parentPath, entry.name)).size
  }
  return { files, bytes }
}

async function measure(size: 'small' | 'full'): Promise<Row> {
  const dir = tempDir('semagic-synthetic-bench-')
  try {
    const loadBefore = loadavg()[0]!
    const cpu = process.cpuUsage()
    const t = performance.now()
    const summary = await generateSynthetic({ out: join(dir.path, 'tree'), size })
    const wallS = (performance.now() - t) / 1000
    const used = process.cpuUsage(cpu)
    const counts = Object.values(summary.categories)
    const { files, bytes } = treeSize(summary.root)
    return {
      size,
      wallS,
      cpuS: (used.user + used.system) / 1e6,
      images: counts.reduce((n, c) => n + c.images.trn + c.images.val + c.images.test, 0),
      pairs: counts.reduce((n, c) => n + c.pairs.trn + c.pairs.val + c.pairs.test, 0),
      files,
      megabytes: bytes / 1e6,
      loadBefore,
    }
  } finally {
    dir.remove()
  }
}

async function main(): Promise<void> {
  // Small first: it also warms the JIT and the module cache for the full run.
  const rows = [await measure('small'), await measure('full')]
  const machine = `${availableParallelism()} cores, ${cpuModel()}, Node ${process.version}, ${process.platform}-${process.arch}`
  const lines = [
    MARK_BEGIN,
    '## Synthetic benchmark generation',
    '',
    `- command: \`npx vite-node bench/synthetic-generate.bench.ts\``,
    `- machine: ${machine}`,
    `- date: ${new Date().toISOString().slice(0, 10)}`,
    `- budget: the full set under 60 s on 2 cores: ${rows[1]!.wallS < 60 ? 'met' : 'missed'}`,
    '',
    '| size | wall, s | CPU, s | images | pairs | files | MB | load average before |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.size} | ${r.wallS.toFixed(1)} | ${r.cpuS.toFixed(1)} | ${r.images} | ${r.pairs} | ${r.files} | ${r.megabytes.toFixed(1)} | ${r.loadBefore.toFixed(2)} |`),
    MARK_END,
  ]
  const section = lines.join('\n')
  process.stdout.write(`${section}\n`)
  updateBenchmarks(section, MARK_BEGIN, MARK_END)
}

void main()
