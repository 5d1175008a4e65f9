/**
 * `semagic serve` under load: 8 concurrent WebSocket clients issue a mixed stream of contract
 * calls (reads of data sets, images and pairs, curation edits, settings, jobs) for 60 s on
 * loopback against the built server, started as a user starts it (a fresh workspace holding the
 * test fixture). Records calls/s, failures and p50/p99 latency per channel and overall in
 * BENCHMARKS.md.
 *
 *   npm run build && npx vite-node bench/serve-load.bench.ts [-- --clients 8 --seconds 60]
 *
 * Budget: no failed call.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import WebSocket from 'ws'
import { cpuModel, updateBenchmarks } from './bench-report'
import { runServeLoad } from './serve-load-driver'

const MARK_BEGIN = '<!-- serve-load:begin -->'
const MARK_END = '<!-- serve-load:end -->'
const root = resolve(__dirname, '..')
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const CLIENTS = arg('clients', 8)
const SECONDS = arg('seconds', 60)

function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Math.round(Number(m[1]) / 1024) : NaN
}

/** Waits until the server has no running job (the demo data set it prepares on first start). */
async function quiet(wsUrl: string): Promise<void> {
  const ws = new WebSocket(wsUrl)
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)))
  let id = 0
  const call = (channel: string, payload: unknown): Promise<{ ok: boolean; value: { status: string }[] }> =>
    new Promise((r) => {
      const mine = ++id
      const on = (data: WebSocket.RawData): void => {
        const f = JSON.parse(data.toString()) as { type: string; id: number; result: { ok: boolean; value: { status: string }[] } }
        if (f.type === 'result' && f.id === mine) {
          ws.off('message', on)
          r(f.result)
        }
      }
      ws.on('message', on)
      ws.send(JSON.stringify({ type: 'call', id: mine, channel, payload }))
    })
  for (let i = 0; i < 600; i++) {
    const jobs = await call('jobs.list', { limit: 50 })
    if (jobs.ok && !jobs.value.some((j) => j.status === 'running' || j.status === 'queued')) break
    await new Promise((r) => setTimeout(r, 500))
  }
  ws.close()
}

async function main(): Promise<void> {
  if (!existsSync(join(root, 'out/main/cli.js'))) throw new Error('build first: npm run build')
  const dataDir = mkdtempSync(join(tmpdir(), 'semagic-serve-load-'))
  const fixture = join(root, 'test/fixtures/spair/SPair-71k')
  execFileSync(process.execPath, [join(root, 'bin/semagic.cjs'), 'datasets', 'import', '--spair', fixture, '--name', 'fixture', '--data-dir', dataDir], { stdio: 'pipe' })
  const child = spawn(process.execPath, [join(root, 'bin/semagic.cjs'), 'serve', '--no-open', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SEMAGIC_DEMO_SIZE: 'small' },
  })
  try {
    const url = await new Promise<string>((ok, fail) => {
      let out = ''
      const timer = setTimeout(() => fail(new Error('semagic serve printed no URL in 30 s')), 30_000)
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([0-9a-f]+)/.exec(out)
        if (m) {
          clearTimeout(timer)
          ok(`ws://${m[1]!.slice('http://'.length)}/ws?token=${m[2]}`)
        }
      })
      child.once('exit', (code) => fail(new Error(`semagic serve exited with ${code}`)))
    })
    await quiet(url)
    const rssBefore = rssMiB(child.pid!)
    const loadBefore = loadavg()[0]!
    const images = ['2008_000001', '2008_000002', '2009_000003'].map((stem) => ({ category: 'cat', stem }))
    images.push(...['2010_000004', '2010_000005', '2011_000006'].map((stem) => ({ category: 'bicycle', stem })))
    process.stderr.write(`${CLIENTS} clients for ${SECONDS} s against ${url.replace(/token=.*/, 'token=…')}\n`)
    const result = await runServeLoad({ wsUrl: url, clients: CLIENTS, seconds: SECONDS, dataset: 'fixture', images, seed: 1 })
    const loadAfter = loadavg()[0]!
    const rssAfter = rssMiB(child.pid!)
    console.log(JSON.stringify({ ...result, rssBefore, rssAfter, loadBefore, loadAfter }, null, 2))

    const rows = Object.entries(result.byChannel).map(
      ([c, s]) => `| \`${c}\` | ${s.calls} | ${s.failed} | ${s.p50Ms} | ${s.p99Ms} | ${s.maxMs} |`,
    )
    const o = result.overall
    const section = [
      MARK_BEGIN,
      '## semagic serve under load (8 WebSocket clients, mixed calls, 60 s)',
      '',
      `Command: \`npm run build && npx vite-node bench/serve-load.bench.ts\` (bounded form in \`npm test\`: test/integration/hardening/serve-load.test.ts, 4 clients, 3 s).`,
      `Machine: ${cpuModel()}, ${availableParallelism()} cores; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`,
      `The built \`semagic serve\` on 127.0.0.1 over a fresh workspace holding the test fixture (2 categories, 6 images, 8 pairs); each client`,
      'keeps one call in flight and sends the next as soon as the answer comes, drawing from a fixed mix: system.info, datasets.list/get/images/pairs/image,',
      'curation.image/state, curation.edit (a tag on an image: a write with undo history), settings.set/get and jobs.list. The 8 clients run in one',
      'Node process on the same machine, so they take CPU from the server too.',
      `Load average (1 min) ${loadBefore.toFixed(2)} before and ${loadAfter.toFixed(2)} after: ${loadBefore > 0.5 ? 'other work (other engineers\' tests and builds) shared the 2 cores during the run, so latencies are upper bounds' : 'the machine was otherwise idle'}.`,
      '',
      `**${result.calls} calls in ${result.seconds} s (${result.callsPerSecond} calls/s), ${result.failed} failed.** Overall p50 ${o.p50Ms} ms, p99 ${o.p99Ms} ms, max ${o.maxMs} ms.`,
      `Server RSS ${rssBefore} MiB before, ${rssAfter} MiB after.`,
      '',
      '| channel | calls | failed | p50 (ms) | p99 (ms) | max (ms) |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      `| **all** | ${o.calls} | ${o.failed} | ${o.p50Ms} | ${o.p99Ms} | ${o.maxMs} |`,
      MARK_END,
    ].join('\n')
    if (CLIENTS === 8 && SECONDS === 60) updateBenchmarks(section, MARK_BEGIN, MARK_END)
    if (result.failed > 0) {
      process.stderr.write(`FAILED calls: ${result.failures.join('\n')}\n`)
      process.exitCode = 1
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
    rmSync(dataDir, { recursive: true, force: true })
  }
}

void main()
