import { describe, expect, it, vi } from 'vitest'
import { AppError } from '../../../src/main/core/app-error'
import { HandlerRegistry } from '../../../src/main/core/registry'
import type { HandlerMap } from '../../../src/main/core/registry'

const info = {
  appVersion: '1',
  transport: 'websocket' as const,
  versions: { node: '20', electron: null, chrome: null, sqlite: '3' },
  platform: 'linux-x64',
  dataDir: '/d',
  database: { path: '/d/db', schemaVersion: 1, journalMode: 'wal' },
  tfjsBackends: [],
  onnxProviders: [],
}

function registry(overrides: Partial<HandlerMap> = {}, onInternal = vi.fn()): HandlerRegistry {
  const handlers = {
    'system.info': () => info,
    'settings.get': ({ key }: { key: string }) => ({ key, value: null }),
    ...overrides,
  } as unknown as HandlerMap
  return new HandlerRegistry(handlers, onInternal)
}

const ctx = { transport: 'test' as const }

describe('HandlerRegistry', () => {
  it('returns ok with the handler value', async () => {
    expect(await registry().invoke('system.info', {}, ctx)).toEqual({ ok: true, value: info })
  })

  it('rejects an unknown channel without calling anything', async () => {
    const r = await registry().invoke('system.rm-rf', {}, ctx)
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } })
  })

  it('names the offending field of an invalid payload', async () => {
    const r = await registry().invoke('settings.get', { key: 42 }, ctx)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('VALIDATION')
    expect(r.error.message).toMatch(/^invalid request for settings\.get: key: /)
    expect(r.error.details).toEqual([expect.objectContaining({ path: 'key' })])
  })

  it('rejects unexpected extra fields (strict requests)', async () => {
    const r = await registry().invoke('system.info', { sneaky: true }, ctx)
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
  })

  it('passes an AppError through with its code and message', async () => {
    const r = await registry({
      'system.info': () => {
        throw new AppError('NOT_FOUND', 'data set "x" not found')
      },
    }).invoke('system.info', {}, ctx)
    expect(r).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'data set "x" not found', details: undefined } })
  })

  it('hides internal errors from the client but reports them to the log', async () => {
    const onInternal = vi.fn()
    const r = await registry(
      {
        'system.info': () => {
          throw new Error('secret path /home/me/.ssh')
        },
      },
      onInternal,
    ).invoke('system.info', {}, ctx)
    expect(r.ok).toBe(false)
    expect(JSON.stringify(r)).not.toContain('secret')
    expect(onInternal).toHaveBeenCalledWith('system.info', expect.any(Error))
  })

  it('tells the user to wait when another process holds the write lock', async () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
    const r = await registry({
      'system.info': () => {
        throw busy
      },
    }).invoke('system.info', {}, ctx)
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/busy with a write from another process/) } })
  })

  it('treats a handler that breaks its response schema as an internal error', async () => {
    const r = await registry({ 'system.info': () => ({ nope: 1 }) as never }).invoke('system.info', {}, ctx)
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
  })
})
