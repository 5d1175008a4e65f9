/**
 * Drives `semagic serve` the way several open studio tabs would: each client is one WebSocket
 * (token in the query, as the renderer connects) issuing a mixed stream of contract calls, one
 * at a time, as fast as the answers come. Used by bench/serve-load.bench.ts (8 clients, 60 s,
 * the built server) and by the bounded test in test/integration/hardening (4 clients, 3 s).
 */
import WebSocket from 'ws'

export interface LoadOptions {
  /** `ws://127.0.0.1:<port>/ws?token=<token>` */
  wsUrl: string
  clients: number
  seconds: number
  /** A data set in the workspace, with these images (category/stem) to read and curate. */
  dataset: string
  images: { category: string; stem: string }[]
  seed?: number
  /** Per-call limit; a call not answered in time counts as failed. */
  callTimeoutMs?: number
}

export interface ChannelStats {
  calls: number
  failed: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

export interface LoadResult {
  clients: number
  seconds: number
  calls: number
  failed: number
  callsPerSecond: number
  overall: ChannelStats
  byChannel: Record<string, ChannelStats>
  /** The first few failures, for the message of a failing run. */
  failures: string[]
}

type Call = { channel: string; payload: unknown }

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32)
}

/** The mix, by weight: mostly reads as the views issue them, some curation writes and settings. */
function mix(options: LoadOptions, client: number, r: () => number): () => Call {
  const name = options.dataset
  const image = (): { category: string; stem: string } => options.images[Math.floor(r() * options.images.length)]!
  const table: [number, () => Call][] = [
    [10, () => ({ channel: 'system.info', payload: {} })],
    [12, () => ({ channel: 'datasets.list', payload: {} })],
    [8, () => ({ channel: 'datasets.get', payload: { name } })],
    [12, () => ({ channel: 'datasets.images', payload: { name, limit: 50 } })],
    [10, () => ({ channel: 'datasets.pairs', payload: { name, limit: 50 } })],
    [12, () => ({ channel: 'datasets.image', payload: { name, ...image() } })],
    [10, () => ({ channel: 'curation.image', payload: { name, ...image() } })],
    [5, () => ({ channel: 'curation.state', payload: { name } })],
    // Writes: each client tags an image (the history grows, as a curation session's does).
    [6, () => ({ channel: 'curation.edit', payload: { name, edits: [{ op: 'image.tags', ...image(), tags: [`load-${client}`, `t${Math.floor(r() * 5)}`] }] } })],
    [5, () => ({ channel: 'settings.set', payload: { key: `bench.client${client}`, value: { at: Math.floor(r() * 1e6) } } })],
    [5, () => ({ channel: 'settings.get', payload: { key: `bench.client${client}` } })],
    [5, () => ({ channel: 'jobs.list', payload: { limit: 20 } })],
  ]
  const total = table.reduce((s, [w]) => s + w, 0)
  return () => {
    let x = r() * total
    for (const [w, make] of table) if ((x -= w) < 0) return make()
    return table[0]![1]()
  }
}

/** The q-quantile of ascending values (nearest rank, no interpolation); 0 for none. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

function stats(latencies: number[], failed: number): ChannelStats {
  const sorted = [...latencies].sort((a, b) => a - b)
  const round = (v: number): number => Math.round(v * 100) / 100
  return { calls: latencies.length + failed, failed, p50Ms: round(quantile(sorted, 0.5)), p99Ms: round(quantile(sorted, 0.99)), maxMs: round(sorted[sorted.length - 1] ?? 0) }
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

/** Runs the load; resolves when every client has stopped (its last call answered). */
export async function runServeLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies = new Map<string, number[]>()
  const failedBy = new Map<string, number>()
  const failures: string[] = []
  const timeoutMs = options.callTimeoutMs ?? 10_000
  const fail = (channel: string, why: string): void => {
    failedBy.set(channel, (failedBy.get(channel) ?? 0) + 1)
    if (failures.length < 10) failures.push(`${channel}: ${why}`)
  }
  const sockets = await Promise.all(Array.from({ length: options.clients }, () => open(options.wsUrl)))
  const started = performance.now()
  const deadline = started + options.seconds * 1000

  await Promise.all(
    sockets.map(async (ws, client) => {
      const next = mix(options, client, rng((options.seed ?? 1) * 1000 + client))
      const pending = new Map<number, (frame: { result: { ok: boolean; error?: { code: string; message: string } } }) => void>()
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; id: number; result: { ok: boolean } }
        if (frame.type === 'result') pending.get(frame.id)?.(frame)
      })
      let closed: string | null = null
      ws.on('close', (code, reason) => (closed = `socket closed (${code} ${reason.toString()})`))
      let id = 0
      while (performance.now() < deadline) {
        const { channel, payload } = next()
        if (closed) {
          fail(channel, closed)
          break
        }
        const callId = ++id
        const t0 = performance.now()
        const frame = await new Promise<{ result: { ok: boolean; error?: { code: string; message: string } } } | null>((resolve) => {
          const timer = setTimeout(() => {
            pending.delete(callId)
            resolve(null)
          }, timeoutMs)
          pending.set(callId, (f) => {
            clearTimeout(timer)
            pending.delete(callId)
            resolve(f)
          })
          ws.send(JSON.stringify({ type: 'call', id: callId, channel, payload }))
        })
        const ms = performance.now() - t0
        if (frame === null) fail(channel, `no answer in ${timeoutMs} ms`)
        else if (!frame.result.ok) fail(channel, `${frame.result.error?.code}: ${frame.result.error?.message}`)
        else {
          let list = latencies.get(channel)
          if (!list) latencies.set(channel, (list = []))
          list.push(ms)
        }
      }
      ws.close()
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  const channels = [...new Set([...latencies.keys(), ...failedBy.keys()])].sort()
  const byChannel = Object.fromEntries(channels.map((c) => [c, stats(latencies.get(c) ?? [], failedBy.get(c) ?? 0)]))
  const all = [...latencies.values()].flat()
  const failed = [...failedBy.values()].reduce((a, b) => a + b, 0)
  return {
    clients: options.clients,
    seconds: Math.round(elapsed * 100) / 100,
    calls: all.length + failed,
    failed,
    callsPerSecond: Math.round(((all.length + failed) / elapsed) * 10) / 10,
    overall: stats(all, failed),
    byChannel,
    failures,
  }
}
