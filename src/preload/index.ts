import { contextBridge, ipcRenderer } from 'electron'
import { CHANNEL_NAMES } from '../shared/ipc/contract'
import { EVENT_NAMES } from '../shared/ipc/events'
import type { Transport } from '../shared/ipc/transport'
import { IPC_EVENT, IPC_PREFIX } from '../shared/ipc/wire'

const channels = new Set<string>(CHANNEL_NAMES)
const eventNames = new Set<string>(EVENT_NAMES)

/**
 * The whole surface the renderer gets: contract channels and contract events, nothing else.
 * Main validates every payload again; this allow-list keeps raw ipcRenderer out of reach.
 */
const bridge: Transport = {
  kind: 'electron',
  invoke(channel, payload) {
    if (!channels.has(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `unknown channel ${channel}` } })
    }
    return ipcRenderer.invoke(IPC_PREFIX + channel, payload)
  },
  subscribe(event, listener) {
    if (!eventNames.has(event)) throw new Error(`unknown event ${event}`)
    const handler = (_e: unknown, frame: { event: string; payload: unknown }): void => {
      if (frame.event === event) listener(frame.payload)
    }
    ipcRenderer.on(IPC_EVENT, handler)
    return () => ipcRenderer.removeListener(IPC_EVENT, handler)
  },
}

contextBridge.exposeInMainWorld('semagic', bridge)
