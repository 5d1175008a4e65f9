import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { lockBlob } from './blob-lock'
import type { HfModelName } from './hf-name'
import { COMMIT_HASH } from './hf-name'
import { blobPath, cachedFile, linkSnapshot, repoFolder, snapshotPath, writeRef } from './hub-cache'
import type { HubEnv } from './hub-env'
import { sha256File } from '../../core/file-hash'

export type HubErrorKind = 'unreachable' | 'not-found' | 'unauthorized' | 'offline' | 'corrupt' | 'interrupted' | 'cancelled' | 'protocol'

/** A hub failure whose message names the repo, the URL and what to do; `kind` lets callers tell them apart. */
export class HubError extends Error {
  constructor(
    message: string,
    readonly kind: HubErrorKind,
  ) {
    super(message)
    this.name = 'HubError'
  }
}

export interface HubFetchOptions {
  env: HubEnv
  signal?: AbortSignal
  /** Bytes written so far (resumed bytes included) and the file's size when the hub gave it. */
  onProgress?: (done: number, total: number | null) => void
  /** Time allowed for the hub to answer a request's headers (default 10 s): an unreachable hub fails fast. */
  answerTimeoutMs?: number
  /** Time a body may go without a byte before the download is called stalled (default 30 s). */
  stallTimeoutMs?: number
  /** Resumed attempts after a connection drops mid-body (default 3). */
  retries?: number
}

export interface HubFile {
  path: string
  commit: string
  bytes: number
  /** True when bytes came over the network in this call. */
  downloaded: boolean
  /** Set when the cache answered because the hub could not: why. */
  offlineReason?: string
}

interface Metadata {
  commit: string
  etag: string
  size: number | null
  /** Where the bytes are: the LFS redirect's target, or the resolve URL itself. */
  location: string
}

export function resolveUrl(endpoint: string, name: HfModelName, file: string): string {
  const path = file.split('/').map(encodeURIComponent).join('/')
  return `${endpoint}/${name.repo}/resolve/${encodeURIComponent(name.revision)}/${path}`
}

/** `W/"abc"` and `"abc"` both name the blob abc. */
export function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '')
}

const SHA256 = /^[0-9a-f]{64}$/

function reasonOf(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } }
  if (e.name === 'TimeoutError') return 'no answer in time'
  return e.cause?.code ?? e.cause?.message ?? e.message
}

/** The token goes to the configured endpoint only, never to the CDN an LFS file redirects to. */
function headersFor(env: HubEnv, url: string, extra: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'semagic-studio', ...extra }
  if (env.token && new URL(url).origin === new URL(env.endpoint).origin) headers.authorization = `Bearer ${env.token}`
  return headers
}

/**
 * One request with redirects followed by hand, so that the token stays with its server and a
 * HEAD can stop at the hub's LFS redirect, whose headers carry the file's metadata.
 */
async function request(
  env: HubEnv,
  url: string,
  method: 'HEAD' | 'GET',
  extra: Record<string, string>,
  signal: AbortSignal,
  stopAtExternalRedirect: boolean,
): Promise<{ response: Response; url: string }> {
  let current = url
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(current, { method, headers: headersFor(env, current, extra), redirect: 'manual', signal })
    const location = response.headers.get('location')
    if (response.status < 300 || response.status >= 400 || !location) return { response, url: current }
    const next = new URL(location, current).toString()
    if (stopAtExternalRedirect && new URL(next).origin !== new URL(current).origin) return { response, url: current }
    await response.body?.cancel()
    current = next
  }
  throw new HubError(`${url}: more than 10 redirects`, 'protocol')
}

function combine(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs)
  return signal ? AbortSignal.any([signal, timeout]) : timeout
}

function cancelled(name: HfModelName): HubError {
  return new HubError(`hf:${name.repo}: download cancelled; the partial file is kept and the next run resumes it`, 'cancelled')
}

/** What the hub says about a file: its commit, its blob's ETag (the sha256 for LFS files), size and location. */
async function headMetadata(env: HubEnv, name: HfModelName, file: string, options: HubFetchOptions): Promise<Metadata> {
  const url = resolveUrl(env.endpoint, name, file)
  const { response } = await request(env, url, 'HEAD', { 'accept-encoding': 'identity' }, combine(options.signal, options.answerTimeoutMs ?? 10_000), true)
  const status = response.status
  if (status === 401 || status === 403) {
    throw new HubError(
      `hf:${name.repo}: ${url} answered ${status}: the repo is gated or private; ` +
        (env.token ? 'the token in HF_TOKEN has no access to it' : 'accept its terms on the hub and set HF_TOKEN to an access token'),
      'unauthorized',
    )
  }
  if (status === 404) throw new HubError(`hf:${name.repo}: ${url} answered 404: no file ${file} at revision ${name.revision} (or no such repo)`, 'not-found')
  if (status >= 400) throw new HubError(`hf:${name.repo}: ${url} answered ${status} ${response.statusText}`, status >= 500 ? 'unreachable' : 'protocol')
  const commit = response.headers.get('x-repo-commit')
  const etag = response.headers.get('x-linked-etag') ?? response.headers.get('etag')
  if (!commit || !COMMIT_HASH.test(commit) || !etag) {
    throw new HubError(`hf:${name.repo}: ${url} did not answer as a Hugging Face hub does (no X-Repo-Commit or ETag header); check HF_ENDPOINT`, 'protocol')
  }
  const sizeHeader = response.headers.get('x-linked-size') ?? response.headers.get('content-length')
  const size = sizeHeader !== null && /^\d+$/.test(sizeHeader) ? Number(sizeHeader) : null
  const location = response.headers.get('location')
  return { commit, etag: normalizeEtag(etag), size, location: location ? new URL(location, url).toString() : url }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

/**
 * Appends the rest of the blob to `partial` (an HTTP Range request from its current size), or
 * starts over when the server ignores the range. Progress counts the bytes already there.
 */
async function downloadRest(env: HubEnv, name: HfModelName, meta: Metadata, partial: string, options: HubFetchOptions): Promise<void> {
  let start = fileSize(partial)
  if (meta.size !== null && start > meta.size) {
    rmSync(partial, { force: true })
    start = 0
  }
  if (meta.size !== null && start === meta.size) return
  const stall = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal
  const answer = setTimeout(() => stall.abort(new Error('no answer in time')), options.answerTimeoutMs ?? 10_000)
  let response: Response
  try {
    ;({ response } = await request(env, meta.location, 'GET', start > 0 ? { range: `bytes=${start}-` } : {}, signal, false))
  } finally {
    clearTimeout(answer)
  }
  if (response.status === 200) start = 0
  else if (response.status === 206) {
    const range = response.headers.get('content-range') ?? ''
    if (!range.startsWith(`bytes ${start}-`)) {
      await response.body?.cancel()
      rmSync(partial, { force: true })
      throw new HubError(`hf:${name.repo}: ${meta.location} answered a range other than the one asked for (${range}); starting over`, 'interrupted')
    }
  } else if (response.status === 416) {
    rmSync(partial, { force: true })
    throw new HubError(`hf:${name.repo}: ${meta.location} refused to resume at byte ${start}; starting over`, 'interrupted')
  } else {
    await response.body?.cancel()
    throw new HubError(`hf:${name.repo}: ${meta.location} answered ${response.status} ${response.statusText}`, response.status >= 500 ? 'interrupted' : 'protocol')
  }
  if (!response.body) throw new HubError(`hf:${name.repo}: ${meta.location} sent no body`, 'interrupted')
  mkdirSync(dirname(partial), { recursive: true })
  const fd = openSync(partial, start > 0 ? 'a' : 'w')
  let done = start
  const stallMs = options.stallTimeoutMs ?? 30_000
  let timer = setTimeout(() => stall.abort(new Error('stalled')), stallMs)
  try {
    options.onProgress?.(done, meta.size)
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      clearTimeout(timer)
      timer = setTimeout(() => stall.abort(new Error('stalled')), stallMs)
      writeSync(fd, chunk)
      done += chunk.byteLength
      options.onProgress?.(done, meta.size)
    }
  } catch (error) {
    if (options.signal?.aborted) throw cancelled(name)
    throw new HubError(`hf:${name.repo}: the download from ${meta.location} broke off at byte ${done} (${reasonOf(error)})`, 'interrupted')
  } finally {
    clearTimeout(timer)
    closeSync(fd)
  }
  if (meta.size !== null && done !== meta.size) {
    throw new HubError(`hf:${name.repo}: the download from ${meta.location} ended at byte ${done} of ${meta.size}`, 'interrupted')
  }
}

function manualHint(env: HubEnv, name: HfModelName, file: string): string {
  const folder = repoFolder(env.cacheDir, name.repo)
  const commit = COMMIT_HASH.test(name.revision) ? name.revision : '<commit>'
  const ref = COMMIT_HASH.test(name.revision) ? '' : ` and write <commit> (any 40-hex id) into ${folder}/refs/${name.revision}`
  return (
    `To supply it by hand, download ${resolveUrl(env.endpoint, name, file)} elsewhere and either pass its path ` +
    `(--backbone /path/to/model.onnx) or put it at ${snapshotPath(folder, commit, file)}${ref}; HF_HUB_OFFLINE=1 then uses it without asking the hub`
  )
}

/**
 * One file of a hub repo, from the cache when it holds it for this revision, else downloaded
 * into the cache the way huggingface_hub does it: HEAD the resolve URL for the commit and the
 * blob's ETag, GET into blobs/<etag>.incomplete (resuming what a broken run left), check the
 * size and, for LFS files, the sha256 the ETag is, rename, link the snapshot, record the ref.
 * Offline (HF_HUB_OFFLINE) it never makes a request; when the hub cannot be reached it answers
 * from the cache if it can, and otherwise fails within `answerTimeoutMs`.
 */
export async function fetchHubFile(name: HfModelName, file: string, options: HubFetchOptions): Promise<HubFile> {
  const { env } = options
  const local = cachedFile(env.cacheDir, name, file)
  const fromCache = (reason?: string): HubFile => ({
    path: local!.path,
    commit: local!.commit,
    bytes: fileSize(local!.path),
    downloaded: false,
    ...(reason ? { offlineReason: reason } : {}),
  })
  if (env.offline) {
    if (local) return fromCache()
    throw new HubError(
      `hf:${name.repo}: ${file} at revision ${name.revision} is not in the cache ${env.cacheDir} and HF_HUB_OFFLINE is set. ${manualHint(env, name, file)}`,
      'offline',
    )
  }
  // A commit never changes: what the cache holds for it is final.
  if (local && COMMIT_HASH.test(name.revision)) return fromCache()
  let meta: Metadata
  try {
    meta = await headMetadata(env, name, file, options)
  } catch (error) {
    if (options.signal?.aborted) throw cancelled(name)
    if (error instanceof HubError && error.kind !== 'unreachable') throw error
    const reason = error instanceof HubError ? error.message : `${resolveUrl(env.endpoint, name, file)}: ${reasonOf(error)}`
    if (local) return fromCache(`the hub could not be reached (${reason}); using the cached copy`)
    throw new HubError(`hf:${name.repo}: cannot reach the hub at ${env.endpoint}: ${reason}. ${manualHint(env, name, file)}`, 'unreachable')
  }

  const folder = repoFolder(env.cacheDir, name.repo)
  const pointer = snapshotPath(folder, meta.commit, file)
  const blob = blobPath(folder, meta.etag)
  const reuse = (): HubFile | null => {
    if (!existsSync(pointer) && !existsSync(blob)) return null
    if (!existsSync(pointer)) linkSnapshot(folder, meta.commit, file, meta.etag)
    writeRef(folder, name.revision, meta.commit)
    return { path: pointer, commit: meta.commit, bytes: fileSize(pointer), downloaded: false }
  }
  const cached = reuse()
  if (cached) return cached
  let unlock: () => void
  try {
    unlock = await lockBlob(join(env.cacheDir, '.locks', basename(folder), `${meta.etag}.lock`), options.signal)
  } catch (error) {
    if (options.signal?.aborted) throw cancelled(name)
    throw error
  }
  try {
    return reuse() ?? (await download(env, name, file, meta, folder, options))
  } finally {
    unlock()
  }
}

async function download(env: HubEnv, name: HfModelName, file: string, meta: Metadata, folder: string, options: HubFetchOptions): Promise<HubFile> {
  const blob = blobPath(folder, meta.etag)
  const pointer = snapshotPath(folder, meta.commit, file)
  const partial = `${blob}.incomplete`
  const retries = options.retries ?? 3
  for (let attempt = 0; ; attempt++) {
    try {
      await downloadRest(env, name, meta, partial, options)
      break
    } catch (error) {
      if (options.signal?.aborted) throw cancelled(name)
      const he = error instanceof HubError ? error : new HubError(`hf:${name.repo}: ${meta.location}: ${reasonOf(error)}`, 'interrupted')
      if (he.kind !== 'interrupted' || attempt >= retries) {
        const kept = fileSize(partial)
        throw new HubError(`${he.message}${kept > 0 ? `; ${kept} bytes kept in ${partial}, the next run resumes from there` : ''}`, he.kind)
      }
    }
  }
  const size = fileSize(partial)
  if (meta.size !== null && size !== meta.size) {
    rmSync(partial, { force: true })
    throw new HubError(`hf:${name.repo}: ${file} came as ${size} bytes where the hub announced ${meta.size}; removed, run again`, 'corrupt')
  }
  if (SHA256.test(meta.etag)) {
    const actual = sha256File(partial)
    if (actual !== meta.etag) {
      rmSync(partial, { force: true })
      throw new HubError(`hf:${name.repo}: ${file} has sha256 ${actual}, the hub says ${meta.etag}; the download was removed, run again`, 'corrupt')
    }
  }
  renameSync(partial, blob)
  linkSnapshot(folder, meta.commit, file, meta.etag)
  writeRef(folder, name.revision, meta.commit)
  return { path: pointer, commit: meta.commit, bytes: size, downloaded: true }
}
