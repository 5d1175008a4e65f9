import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import { RequestFrame } from '../../shared/ipc/wire'
import type { ServerFrame } from '../../shared/ipc/wire'
import type { Core } from '../core/create-core'
import { RENDERER_CSP } from '../security/csp'
import { MEDIA_PREFIX } from '../services/media/media-service'
import { allowedHosts, cookieName, hostAllowed, newToken, originAllowed, readCookie, tokenMatches } from './auth'
import { resolveInside } from '../security/confine-path'
import { sendFile } from './static-files'

export interface ServeOptions {
  core: Core
  /** The built renderer (out/renderer). */
  rendererDir: string
  host?: string
  port?: number
  token?: string
  /** Largest WebSocket frame accepted. */
  maxPayloadBytes?: number
}

export interface RunningServer {
  url: string
  origin: string
  token: string
  port: number
  server: Server
  close(): Promise<void>
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS })
  res.end(`${message}\n`)
}

/**
 * `semagic serve`: the built renderer plus the IPC contract over a WebSocket, for a browser
 * on this machine (or through an SSH tunnel). Every HTTP request and every upgrade needs the
 * token, from the URL it prints (then kept in an HttpOnly cookie) or the socket's query.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { core, rendererDir } = options
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? newToken()
  let hosts = new Set<string>()
  let port = 0

  const authorised = (req: IncomingMessage, url: URL): boolean =>
    tokenMatches(token, url.searchParams.get('token')) || tokenMatches(token, readCookie(req, cookieName(port)))

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (!hostAllowed(req, hosts)) return refuse(res, 403, 'host not allowed')
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed')
    if (!authorised(req, url)) return refuse(res, 401, 'token required: open the URL that `semagic serve` printed')
    const headers: Record<string, string> = { ...SECURITY_HEADERS }
    if (url.searchParams.has('token')) {
      headers['Set-Cookie'] = `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`
    }
    const path = url.pathname === '/' ? '/index.html' : url.pathname
    const media = path.startsWith(MEDIA_PREFIX)
    const file = media ? core.services.media.resolve(path) : resolveInside(rendererDir, path)
    if (!file || !sendFile(req, res, file, headers, media)) return refuse(res, 404, 'not found')
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 1 << 20 })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const deny = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (url.pathname !== '/ws') return deny('404 Not Found')
    if (!hostAllowed(req, hosts) || !originAllowed(req, hosts)) return deny('403 Forbidden')
    if (!authorised(req, url)) return deny('401 Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws))
  })

  const sockets = new Set<WebSocket>()
  const send = (ws: WebSocket, frame: ServerFrame): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
  }
  const detachHub = core.hub.attach((event, payload) => {
    for (const ws of sockets) send(ws, { type: 'event', event, payload })
  })

  function attach(ws: WebSocket): void {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    // Protocol violations (oversized or invalid frames) surface here; ws closes the socket
    // itself, and an unhandled 'error' would take the whole server down.
    ws.on('error', () => sockets.delete(ws))
    ws.on('message', (data, isBinary) => {
      void (async () => {
        let frame: RequestFrame
        try {
          if (isBinary) throw new Error('binary frames are not part of the protocol')
          const raw = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : ''
          const parsed = RequestFrame.safeParse(JSON.parse(raw))
          if (!parsed.success) throw new Error('not a call frame')
          frame = parsed.data
        } catch (error) {
          ws.close(1003, `unsupported frame: ${(error as Error).message}`.slice(0, 120))
          return
        }
        const result = await core.registry.invoke(frame.channel, frame.payload, { transport: 'websocket' })
        send(ws, { type: 'result', id: frame.id, result })
      })()
    })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  port = (server.address() as AddressInfo).port
  hosts = allowedHosts(host, port)
  const shownHost = host.includes(':') ? `[${host}]` : host
  const origin = `http://${shownHost}:${port}`
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    server,
    close: async () => {
      detachHub()
      for (const ws of sockets) ws.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export const defaultRendererDir = (outDir: string): string => join(outDir, 'renderer')
