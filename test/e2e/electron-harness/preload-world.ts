import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { runInNewContext } from 'node:vm'
import type { MainHost, SenderFrame } from './main-host'

const preloadFile = join(resolve(__dirname, '../../..'), 'out/preload/index.js')

/** The bridge the preload exposes (src/shared/ipc/transport.ts), as seen from outside its world. */
export interface ExposedApi {
  kind: string
  invoke(channel: string, payload: unknown): Promise<unknown>
  subscribe(event: string, listener: (payload: unknown) => void): () => void
}

export interface PreloadWorld {
  /** The name given to contextBridge.exposeInMainWorld, and the value exposed. */
  key: string
  api: ExposedApi
  /** Stops delivering main's sends to this world: its page has gone. */
  dispose(): void
}

function strict<T extends object>(name: string, target: T): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === 'symbol' || key === 'then' || key in t) return Reflect.get(t, key, receiver)
      throw new Error(`fake electron (preload): ${name}.${String(key)} is not modelled`)
    },
  })
}

/**
 * Runs the built preload in a fresh context, as a sandboxed preload runs: its only module is
 * `electron` (contextBridge, ipcRenderer), wired to the fake main process. One world per page.
 */
export function loadPreload(host: MainHost, frame: () => SenderFrame): PreloadWorld {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>()
  const ipcRenderer = strict('ipcRenderer', {
    invoke: (channel: string, ...args: unknown[]) => host.invoke(channel, args, frame()),
    on(channel: string, listener: (...args: unknown[]) => void) {
      if (!listeners.has(channel)) listeners.set(channel, new Set())
      listeners.get(channel)!.add(listener)
      return ipcRenderer
    },
    removeListener(channel: string, listener: (...args: unknown[]) => void) {
      listeners.get(channel)?.delete(listener)
      return ipcRenderer
    },
  })
  const stopSends = host.onSend((sent) => {
    if (sent.windowId !== frame().windowId) return
    for (const l of [...(listeners.get(sent.channel) ?? [])]) l({ sender: ipcRenderer, ports: [] }, ...sent.args)
  })
  const exposed: { key: string; api: ExposedApi }[] = []
  const contextBridge = strict('contextBridge', {
    exposeInMainWorld: (key: string, api: ExposedApi) => void exposed.push({ key, api }),
  })
  const electron = strict('electron', { contextBridge, ipcRenderer })
  const requireInSandbox = (id: string): unknown => {
    if (id === 'electron') return electron
    throw new Error(`a sandboxed preload cannot require '${id}'`)
  }
  const module = { exports: {} }
  runInNewContext(readFileSync(preloadFile, 'utf8'), { require: requireInSandbox, module, exports: module.exports, console }, { filename: preloadFile })
  if (exposed.length !== 1) throw new Error(`the preload exposed ${exposed.length} APIs; expected exactly one`)
  return { ...exposed[0]!, dispose: stopSends }
}
