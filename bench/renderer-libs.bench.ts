/**
 * What the chart and virtualisation libraries the views use cost in the renderer bundle, against
 * the usual alternatives (issue #7: "choose by bundle size and speed, and say why").
 *
 *   npx vite-node bench/renderer-libs.bench.ts
 *
 * Installs each candidate from the npm registry into a temporary folder, bundles the imports a
 * view of ours would need (a line chart with axes, tooltip and legend; a virtualised list and
 * grid) with esbuild, minified, React left external as the app shares one copy, and reports the
 * minified and gzip -9 sizes. Writes its section of BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { cpuModel, updateBenchmarks } from './bench-report'

interface Candidate {
  pkg: string
  role: 'charts' | 'virtualisation'
  used: boolean
  entry: string
}

const CANDIDATES: Candidate[] = [
  { pkg: 'uplot', role: 'charts', used: true, entry: "import uPlot from 'uplot'; console.log(uPlot)" },
  { pkg: 'chart.js', role: 'charts', used: false, entry: "import { Chart, registerables } from 'chart.js'; Chart.register(...registerables); console.log(Chart)" },
  { pkg: 'recharts', role: 'charts', used: false, entry: "import { LineChart, Line, XAxis, YAxis, Tooltip, Legend } from 'recharts'; console.log(LineChart, Line, XAxis, YAxis, Tooltip, Legend)" },
  {
    pkg: 'echarts',
    role: 'charts',
    used: false,
    entry:
      "import * as echarts from 'echarts/core'; import { LineChart } from 'echarts/charts'; import { GridComponent, TooltipComponent, LegendComponent } from 'echarts/components'; import { CanvasRenderer } from 'echarts/renderers'; echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]); console.log(echarts)",
  },
  { pkg: '@tanstack/react-virtual', role: 'virtualisation', used: true, entry: "import { useVirtualizer } from '@tanstack/react-virtual'; console.log(useVirtualizer)" },
  { pkg: 'react-window', role: 'virtualisation', used: false, entry: "import { List, Grid } from 'react-window'; console.log(List, Grid)" },
  { pkg: 'react-virtuoso', role: 'virtualisation', used: false, entry: "import { Virtuoso, VirtuosoGrid } from 'react-virtuoso'; console.log(Virtuoso, VirtuosoGrid)" },
]

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'semagic-libs-'))
  try {
    writeFileSync(join(dir, 'package.json'), '{"private":true}')
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', 'react', 'react-dom', ...CANDIDATES.map((c) => c.pkg)], { cwd: dir, stdio: 'inherit' })
    const rows: string[] = []
    for (const c of CANDIDATES) {
      const version = (JSON.parse(readFileSync(join(dir, 'node_modules', c.pkg, 'package.json'), 'utf8')) as { version: string }).version
      const out = await build({
        stdin: { contents: c.entry, resolveDir: dir, loader: 'js' },
        bundle: true,
        minify: true,
        format: 'esm',
        write: false,
        external: ['react', 'react-dom'],
        logLevel: 'error',
      })
      const code = out.outputFiles[0]!.contents
      const kib = (n: number): string => (n / 1024).toFixed(1)
      const row = `| ${c.role} | ${c.pkg}${c.used ? ' (used)' : ''} | ${version} | ${kib(code.length)} | ${kib(gzipSync(code, { level: 9 }).length)} |`
      console.log(row)
      rows.push(row)
    }
    updateBenchmarks(
      [
        '<!-- bench:renderer-libs -->',
        '## Renderer libraries: what a chart and a virtualised list cost in the bundle',
        '',
        `Command: \`npx vite-node bench/renderer-libs.bench.ts\` (${new Date().toISOString().slice(0, 10)}, ${cpuModel()}, Node ${process.version}).`,
        'Each candidate installed from the npm registry, the imports a view of ours needs bundled by esbuild (minified, ESM, React external).',
        '',
        '| role | package | version | minified (KiB) | gzip -9 (KiB) |',
        '| --- | --- | --- | ---: | ---: |',
        ...rows,
        '<!-- /bench:renderer-libs -->',
      ].join('\n'),
      '<!-- bench:renderer-libs -->',
      '<!-- /bench:renderer-libs -->',
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
