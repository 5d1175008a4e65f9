import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'

const root = resolve(__dirname, '../../..')

/** The frame an IPC call comes from, as Electron reports it to main (event.senderFrame). */
export interface SenderFrame {
  windowId: number
  url: string
  top: boolean
  parentUrl?: string
}

export interface ProtocolResponse {
  status: number
  headers: [string, string][]
  body: Buffer
}

/** What the fake `electron` module recorded of the main process's calls (fake-electron.mjs). */
export interface MainRecord {
  sandbox: boolean
  schemes: { scheme: string; privileges: Record<string, boolean> }[]
  windows: { id: number; options: { show?: boolean; webPreferences: Record<string, unknown> }; urls: string[]; shown: boolean }[]
  errorBoxes: { title: string; content: string }[]
  external: string[]
  ipcChannels: string[]
  protocols: string[]
}

export interface SentFrame {
  windowId: number
  channel: string
  args: unknown[]
}

export interface MainHost {
  /** The URL main asked its first window to load. */
  firstLoad: Promise<{ windowId: number; url: string }>
  /** Every webContents.send main made, in order. */
  sent: SentFrame[]
  onSend(listener: (frame: SentFrame) => void): () => void
  /** Like ipcRenderer.invoke: rejects the way Electron does when main's handler throws. */
  invoke(channel: string, args: unknown[], frame: SenderFrame): Promise<unknown>
  /** A request for the app:// scheme, answered by main's protocol.handle handler. */
  fetch(url: string, method: string, headers: Record<string, string>): Promise<ProtocolResponse>
  command<T>(type: string, args?: Record<string, unknown>): Promise<T>
  /** Closes the window as a user would; resolves with main's exit code. */
  closeWindow(windowId: number): Promise<number | null>
  stop(): Promise<void>
  stderr(): string
}

/**
 * Runs the built main bundle (out/main/index.js) in a Node child process with `electron`
 * replaced by test/e2e/electron-harness/fake-electron.mjs. `userData` is what app.getPath
 * returns; SEMAGIC_DATA_DIR is removed so that main's own choice of workspace is exercised.
 */
export function startMain(userData: string, env: Record<string, string> = {}): MainHost {
  const { SEMAGIC_DATA_DIR: _ignored, ...inherited } = process.env
  const child: ChildProcess = fork(join(__dirname, 'main-process.mjs'), [join(root, 'out/main/index.js')], {
    cwd: root,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    env: { ...inherited, ...env, FAKE_ELECTRON_USER_DATA: userData, FAKE_ELECTRON_APP_PATH: root },
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let nextId = 0
  const sent: SentFrame[] = []
  const sendListeners = new Set<(frame: SentFrame) => void>()
  let loaded: (v: { windowId: number; url: string }) => void
  const firstLoad = new Promise<{ windowId: number; url: string }>((resolveLoad, reject) => {
    loaded = resolveLoad
    void exited.then((code) => reject(new Error(`main exited (${code}) before loading a window; stderr:\n${stderr}`)))
  })
  void exited.then((code) => {
    for (const p of pending.values()) p.reject(new Error(`main exited (${code}); stderr:\n${stderr}`))
    pending.clear()
  })

  type FromMain =
    | ({ type: 'send' } & SentFrame)
    | { type: 'load-url'; windowId: number; url: string }
    | { type: 'reply'; id: number; ok: true; value: unknown }
    | { type: 'reply'; id: number; ok: false; message: string }
  child.on('message', (m: FromMain) => {
    if (m.type === 'send') {
      const frame = { windowId: m.windowId, channel: m.channel, args: m.args }
      sent.push(frame)
      for (const l of sendListeners) l(frame)
    } else if (m.type === 'load-url') {
      loaded({ windowId: m.windowId, url: m.url })
    } else {
      const p = pending.get(m.id)
      pending.delete(m.id)
      if (m.ok) p?.resolve(m.value)
      else p?.reject(new Error(m.message))
    }
  })

  const command = <T>(type: string, args: Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolveCall, reject) => {
      if (child.exitCode !== null) return reject(new Error(`main has exited; stderr:\n${stderr}`))
      const id = ++nextId
      pending.set(id, { resolve: resolveCall as (v: unknown) => void, reject })
      child.send({ type, id, ...args })
    })

  return {
    firstLoad,
    sent,
    onSend(listener) {
      sendListeners.add(listener)
      return () => sendListeners.delete(listener)
    },
    invoke: async (channel, args, frame) => {
      try {
        return await command('invoke', { channel, args, frame })
      } catch (error) {
        throw new Error(`Error invoking remote method '${channel}': ${(error as Error).message}`)
      }
    },
    fetch: (url, method, headers) => command<ProtocolResponse>('protocol', { url, method, headers }),
    command,
    closeWindow: async (windowId) => {
      // Main quits from its window-all-closed handler, so the answer is its exit, not a reply.
      child.send({ type: 'close', id: ++nextId, windowId })
      return exited
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
    stderr: () => stderr,
  }
}
