import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { bindWarning } from '../../../src/main/cli/commands/serve'
import type { Core } from '../../../src/main/core/create-core'
import { cookieName } from '../../../src/main/transports/auth'
import { startServer } from '../../../src/main/transports/ws-server'
import type { RunningServer } from '../../../src/main/transports/ws-server'
import { tempDir } from '../../helpers/temp-dir'
import { createCore } from '../../../src/main/core/create-core'

/** What test/integration/ws-server.test.ts does not already try against `semagic serve`. */
let core: Core
let server: RunningServer
const dir = tempDir('semagic-serve-security-')
beforeAll(async () => {
  core = createCore({ dataDir: join(dir.path, 'data'), log: () => {} })
  const renderer = join(dir.path, 'renderer')
  mkdirSync(renderer)
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>studio</title>')
  server = await startServer({ core, rendererDir: renderer })
})
afterAll(async () => {
  await server.close()
  core.close()
  dir.remove()
})

function http(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers, agent: false }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

function upgrade(query: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers })
    ws.once('open', () => {
      ws.close()
      resolve(101)
    })
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.once('error', () => resolve(-1))
  })
}

describe('semagic serve: more ways in, each refused', () => {
  it('warns when bound to anything but loopback', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(bindWarning(host)).toBeNull()
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) expect(bindWarning(host)).toMatch(/^warning: listening on .*, reachable from other machines/)
  })

  it('accepts only GET and HEAD over HTTP, with or without the token', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      expect((await http(method, `/?token=${server.token}`, { 'content-type': 'application/json' }, '{}')).status, method).toBe(405)
    }
  })

  it('refuses near-miss tokens: another token of the same length, a prefix, an extension, a cookie of another port', async () => {
    const t = server.token
    const other = t.replace(/./, (c) => (c === 'a' ? 'b' : 'a'))
    for (const token of [other, t.slice(0, -1), `${t}0`, '', t.toUpperCase() === t ? 'x' : t.toUpperCase()]) {
      expect((await http('GET', `/?token=${encodeURIComponent(token)}`)).status, token).toBe(401)
      expect(await upgrade(`?token=${encodeURIComponent(token)}`, {}), token).toBe(401)
    }
    expect((await http('GET', '/', { cookie: `${cookieName(server.port + 1)}=${t}` })).status).toBe(401)
    expect((await http('GET', '/', { cookie: `${cookieName(server.port)}=${t}` })).status).toBe(200)
  })

  it('refuses a WebSocket upgrade with a foreign Host (DNS rebinding) or a foreign or opaque Origin, even with the token', async () => {
    const q = `?token=${server.token}`
    expect(await upgrade(q, { host: `evil.example:${server.port}` })).toBe(403)
    expect(await upgrade(q, { host: `127.0.0.1:${server.port + 1}` })).toBe(403)
    for (const origin of ['http://evil.example', 'null', 'file://', `https://127.0.0.1:${server.port}`, `http://127.0.0.1:${server.port + 1}`]) {
      expect(await upgrade(q, { origin }), origin).toBe(403)
    }
    expect(await upgrade(q, { origin: server.origin })).toBe(101)
  })

  it('sends no stack trace, path or message of an unexpected error to the client', async () => {
    const settings = core.services.settings as unknown as { get: (...a: unknown[]) => unknown }
    const original = settings.get
    settings.get = () => {
      throw new Error('ENOENT: secret detail at /home/alice/.ssh/id_rsa')
    }
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`)
      await new Promise((r) => ws.once('open', r))
      const frame = await new Promise<string>((resolve) => {
        ws.once('message', (d) => resolve(d.toString()))
        ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'settings.get', payload: { key: 'ui.theme' } }))
      })
      ws.close()
      expect(JSON.parse(frame)).toEqual({ type: 'result', id: 1, result: { ok: false, error: { code: 'INTERNAL', message: 'settings.get failed; see the studio log for details' } } })
      expect(frame).not.toMatch(/alice|secret|at .*\.ts|\n/)
    } finally {
      settings.get = original
    }
  })

  it('keeps running when the folder it serves from disappears (404, not a crash)', async () => {
    const gone = join(dir.path, 'gone-renderer')
    mkdirSync(gone)
    writeFileSync(join(gone, 'index.html'), '<!doctype html>')
    const second = await startServer({ core, rendererDir: gone })
    const get = (path: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: second.port, path, agent: false }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        })
        req.on('error', reject)
        req.end()
      })
    expect(await get(`/?token=${second.token}`)).toBe(200)
    rmSync(gone, { recursive: true })
    expect(await get(`/index.html?token=${second.token}`)).toBe(404)
    expect(await get(`/?token=${second.token}`)).toBe(404)
    await second.close()
  })
})
