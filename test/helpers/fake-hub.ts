import { createHash } from 'node:crypto'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join, relative } from 'node:path'

/**
 * A local stand-in for huggingface.co that answers the hub's `resolve` URLs as the hub does:
 * small files inline with a git-style ETag, LFS files (.onnx) by a 302 to a CDN origin with
 * X-Linked-Etag (their sha256) and X-Linked-Size; X-Repo-Commit on every answer; Range on the
 * CDN. It records every request and can cut a body off once.
 */
export interface FakeRepo {
  commit: string
  files: Record<string, Uint8Array>
}

export interface LoggedRequest {
  method: string
  url: string
  host: string
  range?: string
  authorization?: string
}

export interface FakeHub {
  /** The hub's origin (127.0.0.1); LFS files redirect to `cdn` (localhost: another origin). */
  endpoint: string
  cdn: string
  requests: LoggedRequest[]
  repos: Map<string, FakeRepo>
  /** The next CDN body stops (socket destroyed) after this many bytes. */
  cutNextBodyAt: number | null
  /** Serve these bytes instead of the blob's, once (a corrupted transfer). */
  corruptNextBody: boolean
  close(): Promise<void>
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')
const gitSha = (bytes: Uint8Array): string => createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex')
const isLfs = (path: string): boolean => path.endsWith('.onnx')

export async function startFakeHub(repos: Record<string, FakeRepo>): Promise<FakeHub> {
  const hub: FakeHub = {
    endpoint: '',
    cdn: '',
    requests: [],
    repos: new Map(Object.entries(repos)),
    cutNextBodyAt: null,
    corruptNextBody: false,
    close: async () => undefined,
  }
  const blobs = new Map<string, Uint8Array>()

  const sendBody = (req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, headers: Record<string, string>): void => {
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    let start = 0
    if (range) {
      start = Number(range[1])
      if (start >= bytes.byteLength) {
        res.writeHead(416, { 'content-range': `bytes */${bytes.byteLength}` }).end()
        return
      }
      res.writeHead(206, { ...headers, 'content-length': String(bytes.byteLength - start), 'content-range': `bytes ${start}-${bytes.byteLength - 1}/${bytes.byteLength}` })
    } else res.writeHead(200, { ...headers, 'content-length': String(bytes.byteLength) })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    let body = bytes.subarray(start)
    if (hub.corruptNextBody) {
      hub.corruptNextBody = false
      body = Uint8Array.from(body, (b) => b ^ 0xff)
    }
    const cut = hub.cutNextBodyAt
    if (cut !== null && cut < body.byteLength) {
      hub.cutNextBodyAt = null
      res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20))
      return
    }
    res.end(body)
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x')
    hub.requests.push({
      method: req.method ?? '',
      url: url.pathname,
      host: req.headers.host ?? '',
      ...(req.headers.range ? { range: req.headers.range } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    })
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname)
    if (cdn) {
      const bytes = blobs.get(cdn[1]!)
      if (!bytes) res.writeHead(404).end()
      else sendBody(req, res, bytes, { etag: `"${cdn[1]}"` })
      return
    }
    const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname)
    const repo = m ? hub.repos.get(m[1]!) : undefined
    if (!m || !repo) {
      res.writeHead(404, { 'x-error-code': 'RepoNotFound' }).end()
      return
    }
    const revision = decodeURIComponent(m[2]!)
    const path = m[3]!.split('/').map(decodeURIComponent).join('/')
    if (revision !== 'main' && revision !== repo.commit) {
      res.writeHead(404, { 'x-error-code': 'RevisionNotFound' }).end()
      return
    }
    const bytes = repo.files[path]
    if (!bytes) {
      res.writeHead(404, { 'x-error-code': 'EntryNotFound', 'x-repo-commit': repo.commit }).end()
      return
    }
    if (isLfs(path)) {
      const digest = sha256(bytes)
      blobs.set(digest, bytes)
      res
        .writeHead(302, {
          location: `${hub.cdn}/cdn/${digest}`,
          'x-repo-commit': repo.commit,
          'x-linked-etag': `"${digest}"`,
          'x-linked-size': String(bytes.byteLength),
          etag: `"${gitSha(bytes)}"`,
        })
        .end()
      return
    }
    sendBody(req, res, bytes, { 'x-repo-commit': repo.commit, etag: `"${gitSha(bytes)}"` })
  }

  const server: Server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  hub.endpoint = `http://127.0.0.1:${port}`
  hub.cdn = `http://localhost:${port}`
  hub.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return hub
}

/** Lays a repo's files into a hub cache folder as huggingface_hub would have left them. */
export function seedHubCache(cacheDir: string, repo: string, revision: string, seeded: FakeRepo): void {
  const folder = join(cacheDir, `models--${repo.replace('/', '--')}`)
  for (const [path, bytes] of Object.entries(seeded.files)) {
    const blob = join(folder, 'blobs', isLfs(path) ? sha256(bytes) : gitSha(bytes))
    mkdirSync(dirname(blob), { recursive: true })
    writeFileSync(blob, bytes)
    const pointer = join(folder, 'snapshots', seeded.commit, path)
    mkdirSync(dirname(pointer), { recursive: true })
    symlinkSync(relative(dirname(pointer), blob), pointer)
  }
  mkdirSync(join(folder, 'refs'), { recursive: true })
  writeFileSync(join(folder, 'refs', revision), seeded.commit)
}

export const DINO_PREPROCESSOR = {
  crop_size: { height: 56, width: 56 },
  do_center_crop: true,
  do_normalize: true,
  do_rescale: true,
  do_resize: true,
  image_mean: [0.485, 0.456, 0.406],
  image_processor_type: 'BitImageProcessor',
  image_std: [0.229, 0.224, 0.225],
  resample: 3,
  rescale_factor: 0.00392156862745098,
  size: { shortest_edge: 64 },
}

export const jsonBytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value, null, 2))
