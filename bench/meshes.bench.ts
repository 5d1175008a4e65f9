/**
 * Times the Meshes view's calls on a level-4 template (2,562 vertices) through the registry
 * (zod validation of request and response included): loading a run's canonical mesh, fitting
 * an image's instance mesh (first call) against reading it back from the SQLite cache, the
 * response sizes as JSON (what the WebSocket carries), and the OBJ/glb exports. Records the
 * figures in BENCHMARKS.md.
 *
 *   npx vite-node bench/meshes.bench.ts
 *
 * Budget: a cached instance mesh answers in under 100 ms, so switching images in the view is
 * not held up by anything but the first fit.
 */
import { rmSync, mkdtempSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../src/main/core/create-core'
import type { ChannelName } from '../src/shared/ipc/contract'
import { cpuModel, updateBenchmarks } from './bench-report'

const COMMAND = 'npx vite-node bench/meshes.bench.ts'
const MARK_BEGIN = '<!-- bench:meshes -->'
const MARK_END = '<!-- /bench:meshes -->'
const BUDGET_MS = 100

async function main(): Promise<void> {
  process.env.SEMAGIC_DEMO_SIZE = 'small'
  const dataDir = mkdtempSync(join(tmpdir(), 'semagic-bench-meshes-'))
  const core = createCore({ dataDir, log: () => {} })
  try {
    await core.services.demo.ensure()
    const ctx = { transport: 'test' as const }
    const timed = async (channel: ChannelName, request: unknown): Promise<{ ms: number; bytes: number; value: unknown }> => {
      const t0 = performance.now()
      const r = await core.registry.invoke(channel, request, ctx)
      const ms = performance.now() - t0
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`)
      return { ms, bytes: Buffer.byteLength(JSON.stringify(r.value)), value: r.value }
    }
    const started = await timed('train.start', { dataset: 'demo', category: 'quadruped', steps: 4, templateLevel: 4, backbone: 'handmade' })
    const { jobId, runId } = started.value as { jobId: string; runId: string }
    await core.services.jobs.wait(jobId)
    const page = await timed('datasets.images', { name: 'demo', category: 'quadruped', split: 'test', limit: 3 })
    const stems = (page.value as { items: { stem: string }[] }).items.map((i) => i.stem)

    const canonFirst = await timed('meshes.canonical', { runId })
    const canonAgain = await timed('meshes.canonical', { runId })
    const misses: number[] = []
    const hits: number[] = []
    let instanceBytes = 0
    for (const stem of stems) {
      const request = { runId, dataset: 'demo', image: { category: 'quadruped', stem } }
      const miss = await timed('meshes.instance', request)
      misses.push(miss.ms)
      instanceBytes = miss.bytes
      for (let k = 0; k < 3; k++) hits.push((await timed('meshes.instance', request)).ms)
    }
    const glb = await timed('meshes.export', { runId, dataset: 'demo', image: { category: 'quadruped', stem: stems[0] }, format: 'glb' })
    const obj = await timed('meshes.export', { runId, dataset: 'demo', image: { category: 'quadruped', stem: stems[0] }, format: 'obj' })
    const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!
    const hit = median(hits)
    const f = (ms: number): string => `${ms.toFixed(1)} ms`
    const kb = (b: number): string => `${(b / 1024).toFixed(0)} KiB`
    const section = [
      MARK_BEGIN,
      '## Meshes: canonical and instance meshes, exports (2,562 vertices)',
      '',
      `\`${COMMAND}\` on ${cpuModel()} (${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)} at the start, shared with other work), ` +
        `${new Date().toISOString().slice(0, 10)}: a level-4 run (4 steps, handmade features) on the small demo, ${stems.length} test images; ` +
        'times through the handler registry (zod validation both ways included).',
      '',
      '| call | time | response (JSON) |',
      '| --- | --- | --- |',
      `| meshes.canonical, first (checkpoint loaded, feature PCA) | ${f(canonFirst.ms)} | ${kb(canonFirst.bytes)} |`,
      `| meshes.canonical, again (run kept loaded) | ${f(canonAgain.ms)} | ${kb(canonAgain.bytes)} |`,
      `| meshes.instance, first (fit: 150 steps x 8 hypotheses), median of ${misses.length} | ${f(median(misses))} | ${kb(instanceBytes)} |`,
      `| meshes.instance, cached (SQLite mesh_fits), median of ${hits.length} | ${f(hit)} | ${kb(instanceBytes)} |`,
      `| meshes.export glb, base64 (${kb((glb.value as { bytes: number }).bytes)} file) | ${f(glb.ms)} | ${kb(glb.bytes)} |`,
      `| meshes.export obj, base64 (${kb((obj.value as { bytes: number }).bytes)} file) | ${f(obj.ms)} | ${kb(obj.bytes)} |`,
      '',
      `Budget: a cached instance mesh in under ${BUDGET_MS} ms: ${hit < BUDGET_MS ? 'met' : 'NOT met'}.`,
      MARK_END,
    ].join('\n')
    console.log(section)
    updateBenchmarks(section, MARK_BEGIN, MARK_END)
  } finally {
    core.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

void main()
