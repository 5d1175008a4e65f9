import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { writeSpairAnnotationTree } from '../../bench/spair-annotation-tree'
import { readFeatureFile } from '../../src/main/features/cache/feature-file'

const root = resolve(__dirname, '../..')
const cli = join(root, 'bin/semagic.cjs')
const work = mkdtempSync(join(tmpdir(), 'semagic-crash-'))
// The full-size tree is ~73,000 files: removed asynchronously, so the runner's RPC is not starved.
afterAll(() => rm(work, { recursive: true, force: true }), 300_000)

/** A seeded PRNG, so that a failing kill point can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SEMAGIC_DEMO_SIZE: 'small' } })
}

function killAfter(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms)
    child.once('exit', () => {
      clearTimeout(timer)
      done()
    })
  })
}

function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((done) => child.once('exit', (code) => done({ code, stdout, stderr })))
}

function integrity(dataDir: string): string {
  const db = new Database(join(dataDir, 'semagic.sqlite'), { readonly: true })
  try {
    return String(db.pragma('integrity_check', { simple: true }))
  } finally {
    db.close()
  }
}

describe('kill -9 at random points leaves a whole workspace', () => {
  it('during a full-size import: the index is either the old one or the new one, and intact', { timeout: 240_000 }, async () => {
    const tree = join(work, 'SPair-71k')
    const generated = writeSpairAnnotationTree(tree)
    const total = generated.pairs.trn + generated.pairs.val + generated.pairs.test
    for (const seed of [1, 2, 3]) {
      const dataDir = join(work, `import-${seed}`)
      const at = 300 + Math.floor(rng(seed)() * 5000)
      await killAfter(run(['datasets', 'import', '--spair', tree, '--name', 'big', '--data-dir', dataDir]), at)
      if (!existsSync(join(dataDir, 'semagic.sqlite'))) continue // killed before the workspace existed
      expect(integrity(dataDir), `seed ${seed}, killed at ${at} ms`).toBe('ok')
      const db = new Database(join(dataDir, 'semagic.sqlite'), { readonly: true })
      const pairs = (db.prepare('SELECT COUNT(*) AS n FROM pairs').get() as { n: number }).n
      const datasets = (db.prepare('SELECT COUNT(*) AS n FROM datasets').get() as { n: number }).n
      db.close()
      // One transaction: nothing, or everything.
      expect(datasets === 0 ? pairs : pairs === total ? 'all' : pairs, `seed ${seed}, killed at ${at} ms`).toBe(datasets === 0 ? 0 : 'all')
      const again = await finished(run(['datasets', 'import', '--spair', tree, '--name', 'big', '--json', '--data-dir', dataDir]))
      expect(again.code, again.stderr).toBe(0)
      const doc = JSON.parse(again.stdout) as { pairs: { trn: number; val: number; test: number } }
      expect(doc.pairs.trn + doc.pairs.val + doc.pairs.test).toBe(total)
    }
  })

  it('during feature extraction: every cache row points at a whole file', { timeout: 240_000 }, async () => {
    const dataDir = join(work, 'features')
    const fixture = join(work, 'fixture')
    cpSync(join(root, 'test/fixtures/spair/SPair-71k'), fixture, { recursive: true })
    expect((await finished(run(['datasets', 'import', '--spair', fixture, '--name', 'fx', '--data-dir', dataDir]))).code).toBe(0)
    for (const seed of [4, 5, 6]) {
      await killAfter(run(['features', '--dataset', 'fx', '--backbone', 'mobilenetv2', '--data-dir', dataDir]), 1500 + Math.floor(rng(seed)() * 3000))
      expect(integrity(dataDir)).toBe('ok')
      const db = new Database(join(dataDir, 'semagic.sqlite'), { readonly: true })
      const rows = db.prepare('SELECT file FROM feature_cache').all() as { file: string }[]
      db.close()
      for (const r of rows) expect(() => readFeatureFile(join(dataDir, r.file)), r.file).not.toThrow()
    }
    const done = await finished(run(['features', '--dataset', 'fx', '--backbone', 'mobilenetv2', '--json', '--data-dir', dataDir]))
    expect(done.code, done.stderr).toBe(0)
    const summary = JSON.parse(done.stdout) as { images: number; computed: number; cached: number }
    expect(summary.images).toBe(6)
    expect(summary.computed + summary.cached).toBe(6)
  })

  it('during a burst of curation edits: every acknowledged edit survives', { timeout: 120_000 }, async () => {
    const dataDir = join(work, 'curation')
    expect((await finished(run(['datasets', 'import', '--spair', join(root, 'test/fixtures/spair/SPair-71k'), '--name', 'fx', '--data-dir', dataDir]))).code).toBe(0)
    const server = run(['serve', '--no-open', '--port', '0', '--data-dir', dataDir])
    const url = await new Promise<URL>((done) => {
      let out = ''
      server.stdout?.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /(http:\/\/\S+)/.exec(out)
        if (m) done(new URL(m[1]!))
      })
    })
    const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`)
    await new Promise((r) => ws.once('open', r))
    const acknowledged = new Set<number>()
    let next = 1
    const send = (): void => {
      const id = next++
      const edit = { op: 'image.note', category: 'cat', stem: '2008_000001', note: `note ${id}` }
      ws.send(JSON.stringify({ type: 'call', id, channel: 'curation.edit', payload: { name: 'fx', edits: [edit] } }))
    }
    // Four edits in flight at all times, like a user dragging fast; the server dies mid-stream.
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id: number; result: { ok: boolean } }
      if (frame.type !== 'result') return
      if (frame.result.ok) acknowledged.add(frame.id)
      if (ws.readyState === ws.OPEN) send()
    })
    ws.on('error', () => {})
    const exited = new Promise((r) => server.once('exit', r))
    for (let i = 0; i < 4; i++) send()
    setTimeout(() => server.kill('SIGKILL'), 400 + Math.floor(rng(7)() * 800))
    await exited
    ws.terminate()
    expect(integrity(dataDir)).toBe('ok')
    const db = new Database(join(dataDir, 'semagic.sqlite'), { readonly: true })
    const notes = new Set((db.prepare(`SELECT after FROM edits WHERE field = 'note'`).all() as { after: string }[]).map((r) => Number(JSON.parse(r.after).slice(5))))
    db.close()
    expect(acknowledged.size).toBeGreaterThan(0)
    for (const id of acknowledged) expect(notes.has(id), `edit ${id} was acknowledged but is gone`).toBe(true)
  })

  it('during training: the run resumes from its newest whole checkpoint and finishes', { timeout: 300_000 }, async () => {
    const dataDir = join(work, 'train')
    const args = ['train', '--dataset', 'demo', '--category', 'quadruped', '--steps', '120', '--backbone', 'handmade', '--data-dir', dataDir]
    const child = run(args)
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    // Kill once at least one checkpoint (every 50 steps) should exist, before the end.
    const killed = new Promise<void>((done) => {
      const timer = setInterval(() => {
        const dir = /run (\S+) in (\S+)/.exec(stderr)?.[2]
        if (dir && existsSync(dir) && readdirSync(dir).some((f) => /^ckpt-\d+$/.test(f))) {
          setTimeout(() => child.kill('SIGKILL'), Math.floor(rng(8)() * 2000))
          clearInterval(timer)
        }
      }, 100)
      child.once('exit', () => {
        clearInterval(timer)
        done()
      })
    })
    await killed
    const runId = /run (\S+) in/.exec(stderr)?.[1]
    expect(runId, stderr).toBeDefined()
    expect(integrity(dataDir)).toBe('ok')
    const listed = await finished(run(['datasets', 'list', '--data-dir', dataDir])) // any command opens the workspace
    expect(listed.code).toBe(0)
    const db = new Database(join(dataDir, 'semagic.sqlite'), { readonly: true })
    const status = (db.prepare('SELECT status FROM runs WHERE id = ?').get(runId) as { status: string }).status
    db.close()
    expect(['interrupted', 'succeeded']).toContain(status)
    const resumed = await finished(run(['train', '--resume', runId!, '--json', '--data-dir', dataDir]))
    // A kill after the last step leaves nothing to resume; that is a finished run, not a failure.
    if (resumed.code !== 0) expect(resumed.stderr).toMatch(/already finished its 120 steps/)
    else expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'succeeded', summary: { step: 120 } })
  })
})

