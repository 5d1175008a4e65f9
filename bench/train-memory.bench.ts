/**
 * Memory of `semagic serve` over a long training run with the UI polling it: the built server
 * (preloaded with bench/mem-probe.mjs, which logs process.memoryUsage() every 5 s) trains one
 * category of the demo data set while two clients poll the job, the loss curve and the runs
 * list every second, as the Training view does. After warm-up (the first half of the run: the
 * training threads load every training image's inputs once), RSS and heap should stay flat: the
 * last minute's medians against those of the middle minute. The growth from minute 2 is reported too.
 *
 *   npm run build && npx vite-node bench/train-memory.bench.ts [-- --minutes 10]
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import WebSocket from 'ws'
import { cpuModel, updateBenchmarks } from './bench-report'

const MARK_BEGIN = '<!-- train-memory:begin -->'
const MARK_END = '<!-- train-memory:end -->'
const root = resolve(__dirname, '..')
const minutesArg = process.argv.indexOf('--minutes')
const MINUTES = minutesArg >= 0 ? Number(process.argv[minutesArg + 1]) : 10
/** Growth of the last minute's median over the middle minute's that still counts as flat. */
const FLAT_MIB = 32

interface Sample {
  at: number
  thread: number
  role: string
  rss: number
  heapUsed: number
  external: number
  arrayBuffers: number
}

class Client {
  private id = 0
  private readonly pending = new Map<number, (r: { ok: boolean; value?: unknown; error?: { code: string; message: string } }) => void>()
  failed = 0
  calls = 0
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as { type: string; id: number; result: { ok: boolean } }
      if (f.type === 'result') this.pending.get(f.id)?.(f.result)
    })
  }
  static async open(url: string): Promise<Client> {
    const ws = new WebSocket(url)
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)))
    return new Client(ws)
  }
  call<T>(channel: string, payload: unknown): Promise<T> {
    const id = ++this.id
    this.calls++
    return new Promise((resolveCall, reject) => {
      this.pending.set(id, (r) => {
        this.pending.delete(id)
        if (r.ok) resolveCall(r.value as T)
        else {
          this.failed++
          reject(new Error(`${channel}: ${r.error?.code} ${r.error?.message}`))
        }
      })
      this.ws.send(JSON.stringify({ type: 'call', id, channel, payload }))
    })
  }
  close(): void {
    this.ws.close()
  }
}

const mib = (b: number): number => Math.round((b / 1024 ** 2) * 10) / 10
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function main(): Promise<void> {
  if (!existsSync(join(root, 'out/main/cli.js'))) throw new Error('build first: npm run build')
  const dataDir = mkdtempSync(join(tmpdir(), 'semagic-train-memory-'))
  const probe = join(dataDir, 'memory.jsonl')
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(root, 'bench/mem-probe.mjs')).href, join(root, 'bin/semagic.cjs'), 'serve', '--no-open', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SEMAGIC_DEMO_SIZE: 'small', SEMAGIC_MEM_PROBE: probe },
  })
  try {
    const url = await new Promise<string>((ok, fail) => {
      let out = ''
      const timer = setTimeout(() => fail(new Error('semagic serve printed no URL in 30 s')), 30_000)
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /http:\/\/(127\.0\.0\.1:\d+)\/\?token=([0-9a-f]+)/.exec(out)
        if (m) {
          clearTimeout(timer)
          ok(`ws://${m[1]}/ws?token=${m[2]}`)
        }
      })
      child.once('exit', (code) => fail(new Error(`semagic serve exited with ${code}`)))
    })
    const control = await Client.open(url)
    // The demo data set is generated at first start; wait for it.
    for (let i = 0; ; i++) {
      const list = await control.call<{ name: string }[]>('datasets.list', {})
      const jobs = await control.call<{ status: string }[]>('jobs.list', { limit: 50 })
      if (list.some((d) => d.name === 'demo') && !jobs.some((j) => j.status === 'running' || j.status === 'queued')) break
      if (i > 600) throw new Error('demo data set not ready after 10 minutes')
      await sleep(1000)
    }
    const { jobId, runId } = await control.call<{ jobId: string; runId: string }>('train.start', {
      dataset: 'demo',
      category: 'quadruped',
      backbone: 'handmade',
      steps: 100_000,
      seed: 0,
    })
    const trainStarted = Date.now()
    const deadline = trainStarted + MINUTES * 60_000
    process.stderr.write(`training ${runId} for ${MINUTES} min with 2 polling clients\n`)
    const pollers = await Promise.all([Client.open(url), Client.open(url)])
    let lastStep = 0
    let jobStatus = 'running'
    await Promise.all(
      pollers.map(async (c, k) => {
        await sleep(k * 500)
        while (Date.now() < deadline && jobStatus === 'running') {
          const job = await c.call<{ status: string; progress: { done: number } | null }>('jobs.get', { id: jobId })
          jobStatus = job.status
          lastStep = Math.max(lastStep, job.progress?.done ?? 0)
          await c.call('train.curve', { runId })
          await c.call('train.runs', {})
          await sleep(1000)
        }
      }),
    )
    const trainSeconds = (Date.now() - trainStarted) / 1000
    await control.call('jobs.cancel', { id: jobId }).catch(() => undefined)
    const calls = pollers.reduce((s, c) => s + c.calls, 0)
    const failed = pollers.reduce((s, c) => s + c.failed, 0)
    pollers.forEach((c) => c.close())
    control.close()

    // Samples during training only, by minute since training started.
    const all = readFileSync(probe, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Sample)
    const during = all.filter((s) => s.at >= trainStarted)
    const byMinute: { minute: number; rss: number; heap: number; workerHeap: number; external: number; workerExternal: number }[] = []
    for (let m = 0; m < Math.ceil(trainSeconds / 60); m++) {
      const xs = during.filter((s) => s.at >= trainStarted + m * 60_000 && s.at < trainStarted + (m + 1) * 60_000)
      const main = xs.filter((s) => s.thread === 0)
      if (!main.length) continue
      // Worker threads (training, shards, feature extraction): each one's median heap, summed.
      const threads = [...new Set(xs.filter((s) => s.thread !== 0).map((s) => s.thread))]
      const perThread = (t: number, f: (s: Sample) => number): number => median(xs.filter((s) => s.thread === t).map(f))
      const workerHeap = threads.reduce((sum, t) => sum + perThread(t, (s) => s.heapUsed), 0)
      const workerExternal = threads.reduce((sum, t) => sum + perThread(t, (s) => s.external), 0)
      byMinute.push({
        minute: m + 1,
        rss: mib(median(main.map((s) => s.rss))),
        heap: mib(median(main.map((s) => s.heapUsed))),
        workerHeap: mib(workerHeap),
        external: mib(median(main.map((s) => s.external))),
        workerExternal: mib(workerExternal),
      })
    }
    const second = byMinute[1] ?? byMinute[0]!
    const middle = byMinute[Math.ceil(byMinute.length / 2) - 1] ?? second
    const last = byMinute[byMinute.length - 1]!
    const round = (v: number): number => Math.round(v * 10) / 10
    const rssGrowth = round(last.rss - middle.rss)
    const heapGrowth = round(last.heap + last.workerHeap - middle.heap - middle.workerHeap)
    const rssFromMinute2 = round(last.rss - second.rss)
    const flat = rssGrowth <= FLAT_MIB && heapGrowth <= FLAT_MIB
    const peakRss = mib(Math.max(...during.filter((s) => s.thread === 0).map((s) => s.rss)))
    const result = { minutes: MINUTES, trainSeconds, steps: lastStep, jobStatus, calls, failed, byMinute, rssGrowth, heapGrowth, rssFromMinute2, peakRss, flat, load: loadavg()[0] }
    console.log(JSON.stringify(result, null, 2))

    const section = [
      MARK_BEGIN,
      `## Memory of semagic serve over a ${MINUTES}-minute training run with the UI polling`,
      '',
      'Command: `npm run build && npx vite-node bench/train-memory.bench.ts` (10 minutes by default).',
      `Machine: ${cpuModel()}, ${availableParallelism()} cores; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}; load average (1 min) at the end ${loadavg()[0]!.toFixed(2)}${loadavg()[0]! > 2.5 ? ' (other work shared the cores)' : ''}.`,
      'The built server (preloaded with bench/mem-probe.mjs: `process.memoryUsage()` every 5 s) trains the demo quadruped (small demo, handmade backbone,',
      `an open-ended run cancelled at the end) while two clients poll \`jobs.get\`, \`train.curve\` and \`train.runs\` every second, as the Training view does.`,
      'RSS covers the whole process; heap is reported per thread (the probe is inherited by worker threads): the main thread (services, SQLite, transport) and the sum over worker threads (training, shards).',
      '',
      `**${flat ? 'Flat' : 'NOT flat'} after warm-up**: from minute ${middle.minute} to minute ${last.minute}, median RSS ${middle.rss} -> ${last.rss} MiB (${rssGrowth >= 0 ? '+' : ''}${rssGrowth}), JS heap used (main + workers) ${round(middle.heap + middle.workerHeap)} -> ${round(last.heap + last.workerHeap)} MiB (${heapGrowth >= 0 ? '+' : ''}${heapGrowth}); budget +${FLAT_MIB} MiB each. From minute 2, RSS grew ${rssFromMinute2} MiB (warm-up: see the worker external column). Peak RSS ${peakRss} MiB.`,
      `${lastStep} training steps in ${Math.round(trainSeconds)} s; ${calls} polling calls, ${failed} failed.`,
      '',
      '| minute | RSS (MiB, median) | main heap used (MiB) | worker heaps (MiB) | main external (MiB) | worker external (MiB) |',
      '| ---: | ---: | ---: | ---: | ---: | ---: |',
      ...byMinute.map((m) => `| ${m.minute} | ${m.rss} | ${m.heap} | ${m.workerHeap} | ${m.external} | ${m.workerExternal} |`),
      MARK_END,
    ].join('\n')
    if (MINUTES >= 10) updateBenchmarks(section, MARK_BEGIN, MARK_END)
    if (!flat || failed > 0) process.exitCode = 1
  } finally {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
    rmSync(dataDir, { recursive: true, force: true })
  }
}

void main()
