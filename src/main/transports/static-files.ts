import { createReadStream, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

/**
 * Streams a file. With `cache` (images of data sets, which thumbnails ask for again and again
 * while a grid scrolls) it carries an ETag from size and mtime and answers a matching
 * If-None-Match with 304, so a revisited image costs one round trip and no bytes.
 */
export function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  headers: Record<string, string> = {},
  cache = false,
): boolean {
  let size: number
  let etag: string
  try {
    const st = statSync(file)
    if (!st.isFile()) return false
    size = st.size
    etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`
  } catch {
    return false
  }
  const caching: Record<string, string> = cache ? { ETag: etag, 'Cache-Control': 'private, max-age=3600' } : {}
  if (cache && req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ...headers, ...caching })
    res.end()
    return true
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(size),
    'X-Content-Type-Options': 'nosniff',
    ...headers,
    ...caching,
  })
  if (req.method === 'HEAD') res.end()
  else createReadStream(file).pipe(res)
  return true
}
