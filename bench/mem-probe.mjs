// Preloaded into the process under measurement (node --import ./bench/mem-probe.mjs): appends
// process.memoryUsage() as one JSON line to $SEMAGIC_MEM_PROBE every $SEMAGIC_MEM_PROBE_MS (default 5000).
// Worker threads inherit the preload, so each thread reports its own heap (`thread`: 0 is the main
// thread); rss is the whole process's. Used by bench/train-memory.bench.ts; changes nothing else.
import { appendFileSync } from 'node:fs'
import { isMainThread, threadId, workerData } from 'node:worker_threads'

const file = process.env.SEMAGIC_MEM_PROBE
if (file) {
  const every = Number(process.env.SEMAGIC_MEM_PROBE_MS) || 5000
  const role = isMainThread ? 'main' : String(workerData?.role ?? 'worker')
  const sample = () => {
    const m = process.memoryUsage()
    const line = { at: Date.now(), thread: threadId, role, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers }
    appendFileSync(file, `${JSON.stringify(line)}\n`)
  }
  setInterval(sample, every).unref()
  sample()
}
