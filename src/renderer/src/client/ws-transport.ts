import type { Result, Transport } from '../../../shared/ipc/transport'
import type { ServerFrame } from '../../../shared/ipc/wire'

const TOKEN_KEY = 'semagic.token'

/**
 * The token arrives once in the URL that `semagic serve` printed; keep it for this tab and
 * take it out of the address bar so that it is not copied around with screenshots.
 */
export function takeToken(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    window.history.replaceState(null, '', url.toString())
    return fromUrl
  }
  return sessionStorage.getItem(TOKEN_KEY)
}

interface Pending {
  resolve: (r: Result<unknown>) => void
}

export function createWebSocketTransport(token: string | null): Transport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const pending = new Map<number, Pending>()
  const queue: string[] = []
  let nextId = 1
  let socket: WebSocket | null = null
  let retryMs = 250

  const connect = (): void => {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
    const query = token ? `?token=${encodeURIComponent(token)}` : ''
    const ws = new WebSocket(`${scheme}://${window.location.host}/ws${query}`)
    socket = ws
    ws.onopen = () => {
      retryMs = 250
      for (const frame of queue.splice(0)) ws.send(frame)
    }
    ws.onmessage = (message) => {
      const frame = JSON.parse(String(message.data)) as ServerFrame
      if (frame.type === 'result') {
        pending.get(frame.id)?.resolve(frame.result as Result<unknown>)
        pending.delete(frame.id)
      } else {
        for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload)
      }
    }
    ws.onclose = () => {
      socket = null
      // Calls in flight are lost with the socket: fail them rather than hang the view.
      for (const [id, p] of pending) {
        p.resolve({ ok: false, error: { code: 'INTERNAL', message: 'connection to the studio server lost' } })
        pending.delete(id)
      }
      setTimeout(connect, retryMs)
      retryMs = Math.min(retryMs * 2, 5000)
    }
  }
  connect()

  return {
    kind: 'websocket',
    invoke(channel, payload) {
      const id = nextId++
      const frame = JSON.stringify({ type: 'call', id, channel, payload })
      return new Promise((resolve) => {
        pending.set(id, { resolve })
        if (socket?.readyState === WebSocket.OPEN) socket.send(frame)
        else queue.push(frame)
      })
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set()
      set.add(listener)
      listeners.set(event, set)
      return () => set.delete(listener)
    },
  }
}
