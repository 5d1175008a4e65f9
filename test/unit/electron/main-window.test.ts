import { beforeEach, describe, expect, it, vi } from 'vitest'

type Handler = (...args: unknown[]) => unknown
const calls = vi.hoisted(() => ({
  options: null as null | { webPreferences: Record<string, unknown> },
  windowOpen: null as null | Handler,
  navigate: null as null | Handler,
  permission: null as null | Handler,
  permissionCheck: null as null | Handler,
  loaded: '' as string,
  openExternal: [] as string[],
}))

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = {
      setWindowOpenHandler: (h: Handler) => (calls.windowOpen = h),
      on: (event: string, h: Handler) => {
        if (event === 'will-navigate') calls.navigate = h
      },
    }
    constructor(options: { webPreferences: Record<string, unknown> }) {
      calls.options = options
    }
    once(): void {}
    show(): void {}
    loadURL(url: string): Promise<void> {
      calls.loaded = url
      return Promise.resolve()
    }
  }
  return {
    BrowserWindow,
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Handler) => (calls.permission = h),
        setPermissionCheckHandler: (h: Handler) => (calls.permissionCheck = h),
      },
    },
    shell: { openExternal: (url: string) => calls.openExternal.push(url) },
  }
})

const { createMainWindow, isTrustedUrl } = await import('../../../src/main/electron/main-window')

describe('the Electron window follows the security checklist', () => {
  beforeEach(() => {
    calls.openExternal = []
    createMainWindow('/app/out')
  })

  it('isolates and sandboxes the renderer, with no Node integration anywhere', () => {
    expect(calls.options?.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/out/preload/index.js',
    })
  })

  it('loads the renderer from the app:// protocol, not file://', () => {
    expect(calls.loaded).toBe('app://studio/index.html')
  })

  it('denies every new window and hands https links to the system browser', () => {
    expect(calls.windowOpen?.({ url: 'https://example.org/docs' })).toEqual({ action: 'deny' })
    expect(calls.windowOpen?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(calls.openExternal).toEqual(['https://example.org/docs'])
  })

  it('blocks navigation away from the app', () => {
    let prevented = 0
    const event = { preventDefault: () => prevented++ }
    calls.navigate?.(event, 'https://evil.example/')
    calls.navigate?.(event, 'file:///etc/passwd')
    calls.navigate?.(event, 'app://studio/index.html#/health')
    expect(prevented).toBe(2)
  })

  it('denies permission requests and checks', () => {
    const answers: boolean[] = []
    calls.permission?.({}, 'media', (ok: boolean) => answers.push(ok))
    expect(answers).toEqual([false])
    expect(calls.permissionCheck?.()).toBe(false)
  })

  it('trusts only its own origin for IPC senders', () => {
    expect(isTrustedUrl('app://studio/index.html')).toBe(true)
    expect(isTrustedUrl('app://studio.evil/index.html')).toBe(false)
    expect(isTrustedUrl('https://studio/index.html')).toBe(false)
  })
})
