import Database from 'better-sqlite3'
import * as realFs from 'node:fs'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { writeFileAtomic } from '../../../src/main/core/atomic-write'
import { readFeatureFile, writeFeatureFile } from '../../../src/main/features/cache/feature-file'
import { latestCheckpoint, writeCheckpoint } from '../../../src/main/runs/checkpoint'
import { DB_FILE } from '../../../src/main/store/open-store'
import { call, FIXTURE, importTree, openCore, scratch } from '../datasets/helpers'

/**
 * A full disk and a read-only folder, injected at the file-system calls the writers make (the
 * tests run as root on CI machines, where permissions would not stop a write): the n-th call of
 * one operation fails with ENOSPC, EROFS or EACCES, as the kernel would report it.
 */
const faults = vi.hoisted(() => ({
  armed: null as null | { op: string; code: string; skip: number },
  check(op: string): void {
    const a = this.armed
    if (!a || a.op !== op) return
    if (a.skip-- > 0) return
    this.armed = null
    const messages: Record<string, string> = { ENOSPC: 'no space left on device', EROFS: 'read-only file system', EACCES: 'permission denied' }
    throw Object.assign(new Error(`${a.code}: ${messages[a.code]}, ${op.replace(/Sync$/, '')}`), { code: a.code, syscall: op.replace(/Sync$/, '') })
  },
}))
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof realFs>()
  const ops = ['openSync', 'writeSync', 'fsyncSync', 'renameSync', 'mkdirSync', 'writeFileSync', 'copyFileSync'] as const
  const wrapped = Object.fromEntries(
    ops.map((op) => [
      op,
      (...args: unknown[]) => {
        faults.check(op)
        return (fs[op] as (...a: unknown[]) => unknown)(...args)
      },
    ]),
  )
  return { ...fs, ...wrapped, default: { ...fs, ...wrapped } }
})

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32)
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
const CODES = ['ENOSPC', 'EROFS', 'EACCES'] as const
const REASON = { ENOSPC: 'no space left on the device', EROFS: 'the file system is read-only', EACCES: 'permission denied' }

/** Runs `write` with one fault armed; returns the error it threw (or null when the fault was not reached). */
function withFault(op: string, code: string, skip: number, write: () => unknown): Error | null {
  faults.armed = { op, code, skip }
  try {
    write()
    return null
  } catch (error) {
    return error as Error
  } finally {
    faults.armed = null
  }
}

describe('a full disk or read-only folder under the atomic writers (seeded fault injection)', () => {
  it('writeFileAtomic: a clear STORAGE error naming the file, the previous version intact, no temporary file left', () => {
    const dir = scratch()
    const path = join(dir, 'cache.bin')
    writeFileAtomic(path, 'version 1\n')
    const r = rng(61)
    const CASES = 60
    let failed = 0
    for (let i = 0; i < CASES; i++) {
      const code = pick(r, CODES)
      const op = pick(r, ['openSync', 'writeSync', 'fsyncSync', 'renameSync'])
      const chunks = Array.from({ length: 1 + Math.floor(r() * 4) }, (_, k) => Buffer.alloc(1 + Math.floor(r() * 5000), k))
      const error = withFault(op, code, Math.floor(r() * chunks.length), () => writeFileAtomic(path, chunks))
      if (error === null) {
        // The fault lay beyond the calls this write made: it succeeded; put version 1 back.
        expect(readFileSync(path)).toEqual(Buffer.concat(chunks))
        writeFileAtomic(path, 'version 1\n')
        continue
      }
      failed++
      expect(error).toMatchObject({ code: 'STORAGE' })
      expect(error.message).toContain(`${path}: cannot write: ${REASON[code]} (${code}). Nothing was left half-written`)
      expect(readFileSync(path, 'utf8')).toBe('version 1\n')
      expect(readdirSync(dir)).toEqual(['cache.bin'])
    }
    expect(failed).toBeGreaterThan(CASES / 2)
    process.stdout.write(`faults: ${CASES} injected into atomic file writes (${failed} failed cleanly)\n`)
  })

  it('checkpoints: a failed write leaves no partial folder, and the run resumes from the previous checkpoint', () => {
    const run = scratch()
    const tensors = { shape: Float32Array.from({ length: 3000 }, (_, i) => i / 7), 'shape#m': new Float32Array(3000).fill(0.5) }
    writeCheckpoint(run, { step: 50, state: { step: 50 }, tensors })
    const r = rng(62)
    const CASES = 30
    for (let i = 0; i < CASES; i++) {
      const code = pick(r, CODES)
      const op = pick(r, ['mkdirSync', 'openSync', 'writeSync', 'fsyncSync', 'renameSync'])
      const error = withFault(op, code, op === 'mkdirSync' || op === 'renameSync' ? 0 : Math.floor(r() * 2), () =>
        writeCheckpoint(run, { step: 100, state: { step: 100 }, tensors }),
      )
      expect(error, `${op} ${code}`).not.toBeNull()
      expect(error).toMatchObject({ code: 'STORAGE' })
      expect(error!.message).toContain(`${join(run, 'ckpt-00000100')}: cannot write: ${REASON[code]}`)
      expect(readdirSync(run)).toEqual(['ckpt-00000050'])
      const latest = latestCheckpoint(run)
      expect(latest?.step).toBe(50)
      expect(Array.from(latest!.tensors.shape!)).toEqual(Array.from(tensors.shape))
    }
    process.stdout.write(`faults: ${CASES} injected into checkpoint writes\n`)
  })

  it('feature cache files: a failed write leaves the cached file as it was and nothing else', () => {
    const dir = scratch()
    const path = join(dir, 'features.f16')
    const map = (v: number) => ({ channels: 2, height: 3, width: 3, stride: 8, data: new Float32Array(18).fill(v) })
    writeFeatureFile(path, map(0.25))
    for (const op of ['openSync', 'writeSync', 'fsyncSync', 'renameSync']) {
      const error = withFault(op, 'ENOSPC', 0, () => writeFeatureFile(path, map(0.75)))
      expect(error).toMatchObject({ code: 'STORAGE' })
      expect(error!.message).toContain(`${path}: cannot write: no space left on the device`)
      expect(readFeatureFile(path).data[0]).toBe(0.25)
      expect(readdirSync(dir)).toEqual(['features.f16'])
    }
  })

  it('export: a full disk part way fails the job plainly, leaves no partial tree, and the studio keeps answering', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const parent = scratch()
    const r = rng(63)
    const CASES = 8
    let failedExports = 0
    for (let i = 0; i < CASES; i++) {
      const out = join(parent, `export-${i}`)
      faults.armed = { op: pick(r, ['writeFileSync', 'copyFileSync', 'mkdirSync']), code: pick(r, CODES), skip: Math.floor(r() * 6) }
      const { jobId } = await call(core, 'datasets.export', { name: 'fx', out })
      const outcome = await core.services.jobs.wait(jobId).then(
        () => null,
        (error: Error) => error,
      )
      faults.armed = null
      if (outcome === null) continue
      failedExports++
      // The job's recorded error (what the Jobs panel shows) is the storage message.
      expect(outcome.message).toMatch(new RegExp(`^${out}: cannot write: (no space left on the device|the file system is read-only|permission denied) \\((ENOSPC|EROFS|EACCES)\\)\\. Nothing was left half-written`))
      expect(existsSync(out)).toBe(false)
      expect(readdirSync(parent).filter((n) => n.startsWith(`export-${i}`))).toEqual([])
      expect((await call(core, 'datasets.list', {})).map((d) => d.name)).toContain('fx')
    }
    // And with room again, the same export goes through.
    const out = join(parent, 'export-final')
    await core.services.jobs.wait((await call(core, 'datasets.export', { name: 'fx', out })).jobId)
    expect(existsSync(join(out, 'coco_keypoints.json'))).toBe(true)
    expect(failedExports).toBeGreaterThan(CASES / 2)
    process.stdout.write(`faults: ${CASES} exports run against injected write failures (${failedExports} failed cleanly)\n`)
  })
})

describe('a full workspace database (a real SQLITE_FULL: max_page_count)', () => {
  it('a curation edit that does not fit fails as STORAGE; every earlier edit is kept; the database stays whole and usable', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const db = core.store.db
    db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 8}`)
    let kept = 0
    let full: { code: string; message: string } | null = null
    for (let i = 0; i < 2000 && !full; i++) {
      const r = await core.registry.invoke(
        'curation.edit',
        { name: 'fx', edits: [{ op: 'image.note', category: 'cat', stem: '2008_000001', note: `note ${i} ${'x'.repeat(1500)}` }] },
        { transport: 'test' },
      )
      if (r.ok) kept = i + 1
      else full = r.error
    }
    expect(kept).toBeGreaterThan(0)
    expect(full?.code).toBe('STORAGE')
    expect(full?.message).toMatch(/the workspace database is full \(no space left on the device\) \(SQLITE_FULL\)\. Nothing was left half-written/)
    // The studio keeps answering, and the last edit that fitted is the one in force.
    const image = await call(core, 'curation.image', { name: 'fx', category: 'cat', stem: '2008_000001' })
    expect(image.note).toBe(`note ${kept - 1} ${'x'.repeat(1500)}`)
    expect((await call(core, 'curation.state', { name: 'fx' })).applied).toBe(kept)
    // Room again: edits go through.
    db.pragma('max_page_count = 1073741823')
    await call(core, 'curation.edit', { name: 'fx', edits: [{ op: 'image.note', category: 'cat', stem: '2008_000001', note: 'after' }] })
    const check = new Database(join(core.dataDir, DB_FILE), { readonly: true })
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    check.close()
  })
})

describe('a data directory that cannot be written after start', () => {
  it('a feature cache folder that cannot be created fails the job naming it; the studio keeps running', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    // Where the cache folder should go there is a file: mkdir fails with ENOTDIR even for root.
    writeFileSync(join(core.dataDir, 'cache'), 'not a folder')
    const { jobId } = await call(core, 'features.extract', { name: 'fx', backbone: 'handmade' })
    const error = await core.services.jobs.wait(jobId).then(
      () => null,
      (e: Error) => e,
    )
    expect(error).toMatchObject({ code: 'STORAGE' })
    expect(error!.message).toMatch(new RegExp(`${join(core.dataDir, 'cache')}.*cannot write: a part of the path is a file, not a folder \\(ENOTDIR\\)`))
    expect((await call(core, 'datasets.list', {})).length).toBe(1)
    expect(dirname(join(core.dataDir, 'cache'))).toBe(core.dataDir)
    expect(realFs.statSync(join(core.dataDir, 'cache')).isFile()).toBe(true)
  })
})
