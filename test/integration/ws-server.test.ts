import { copyFileSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createCore } from '../../src/main/core/create-core'
import type { Core } from '../../src/main/core/create-core'
import { startServer } from '../../src/main/transports/ws-server'
import type { RunningServer } from '../../src/main/transports/ws-server'
import { tempDir } from '../helpers/temp-dir'
import { FIXTURE } from './datasets/helpers'

const dir = tempDir()
let core: Core
let server: RunningServer

beforeAll(async () => {
  const renderer = join(dir.path, 'renderer')
  mkdirSync(renderer)
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>studio</title>')
  writeFileSync(join(dir.path, 'outside.txt'), 'outside')
  core = createCore({ dataDir: join(dir.path, 'data'), log: () => {} })
  server = await startServer({ core, rendererDir: renderer, maxPayloadBytes: 4096 })
})
afterAll(async () => {
  await server.close()
  core.close()
  dir.remove()
})

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

function connect(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

function call(ws: WebSocket, id: number, channel: string, payload: unknown): Promise<{ id: number; result: { ok: boolean; error?: { code: string } } }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const frame = JSON.parse(data.toString()) as { type: string; id: number; result: { ok: boolean } }
      if (frame.type === 'result' && frame.id === id) {
        ws.off('message', onMessage)
        resolve(frame)
      }
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ type: 'call', id, channel, payload }))
  })
}

describe('semagic serve transport', () => {
  it('binds to loopback and prints a URL with the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    const address = server.server.address()
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1')
  })

  it('refuses HTTP requests without the token', async () => {
    const r = await get('/')
    expect(r.status).toBe(401)
    expect(r.body).not.toContain('studio</title>')
  })

  it('serves the renderer with the token and sets a cookie for its assets', async () => {
    const r = await get(`/?token=${server.token}`)
    expect(r.status).toBe(200)
    expect(r.body).toContain('<title>studio</title>')
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'")
    const cookie = String((r.headers['set-cookie'] as string[])[0]).split(';')[0]!
    expect((await get('/index.html', { cookie })).status).toBe(200)
  })

  it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
    const r = await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` })
    expect(r.status).toBe(403)
  })

  it('does not serve files outside the renderer', async () => {
    for (const path of ['/../outside.txt', '/%2e%2e/outside.txt', '/..%2Foutside.txt']) {
      const r = await get(`${path}?token=${server.token}`)
      expect(r.status, path).toBe(404)
      expect(r.body).not.toContain('outside')
    }
  })

  it('serves images of registered data sets only, and nothing else from their roots', async () => {
    const root = join(dir.path, 'spair', 'SPair-71k')
    cpSync(FIXTURE, root, { recursive: true })
    copyFileSync(join(root, 'JPEGImages/cat/2008_000001.jpg'), join(dir.path, 'spair', 'outside.jpg'))
    symlinkSync(join(dir.path, 'spair', 'outside.jpg'), join(root, 'JPEGImages/cat/link.jpg'))
    const { jobId } = core.services.datasets.startImport(root, 'fx')
    await core.services.jobs.wait(jobId)
    const auth = `?token=${server.token}`
    const jpeg = await get(`/media/fx/JPEGImages/cat/2008_000001.jpg${auth}`)
    expect(jpeg.status).toBe(200)
    expect(jpeg.headers['content-type']).toBe('image/jpeg')
    // Revisited thumbnails: a matching ETag is answered without the bytes.
    const etag = String(jpeg.headers.etag)
    const again = await get(`/media/fx/JPEGImages/cat/2008_000001.jpg${auth}`, { 'if-none-match': etag })
    expect([again.status, again.body]).toEqual([304, ''])
    expect((await get(`/media/fx/Segmentation/cat/2008_000001.png${auth}`)).status).toBe(200)
    expect((await get(`/media/fx/JPEGImages/cat/2008_000001.jpg`)).status).toBe(401)
    for (const path of [
      '/media/fx/ImageAnnotation/cat/2008_000001.json',
      '/media/fx/..%2Foutside.jpg',
      '/media/fx/JPEGImages/..%2F..%2Foutside.jpg',
      '/media/fx/JPEGImages/cat/link.jpg',
      '/media/nope/JPEGImages/cat/2008_000001.jpg',
      '/media/fx',
    ]) {
      expect((await get(`${path}${auth}`)).status, path).toBe(404)
    }
  })

  it('refuses a WebSocket upgrade without the token or from another origin', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 401')
    await expect(connect(`?token=${server.token}`, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403')
  })

  it('answers contract calls and returns validation errors for malformed payloads', async () => {
    const ws = await connect(`?token=${server.token}`, { origin: server.origin })
    const ok = await call(ws, 1, 'system.info', {})
    expect(ok.result.ok).toBe(true)
    const bad = await call(ws, 2, 'settings.get', { key: ['not', 'a', 'string'] })
    expect(bad.result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    const unknown = await call(ws, 3, 'fs.readFile', { path: '/etc/passwd' })
    expect(unknown.result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } })
    ws.close()
  })

  it('closes a socket that sends a frame that is not a call, or one over the size limit', async () => {
    const ws = await connect(`?token=${server.token}`)
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    ws.send('{"hello":')
    expect(await closed).toBe(1003)
    const big = await connect(`?token=${server.token}`)
    const closedBig = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)))
    big.send(JSON.stringify({ type: 'call', id: 1, channel: 'system.info', payload: 'x'.repeat(10_000) }))
    expect(await closedBig).toBe(1009)
  })

  it('pushes job events to connected clients', async () => {
    const ws = await connect(`?token=${server.token}`)
    const event = new Promise<{ event: string; payload: { title: string } }>((resolve) =>
      ws.on('message', (d) => {
        const f = JSON.parse(d.toString()) as { type: string; event: string; payload: { title: string } }
        if (f.type === 'event') resolve(f)
      }),
    )
    const id = core.services.jobs.start('test', 'hello', {}, async () => 1)
    await core.services.jobs.wait(id)
    expect(await event).toMatchObject({ event: 'job.updated', payload: { title: 'hello' } })
    ws.close()
  })
})
