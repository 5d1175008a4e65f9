import type { IpcErrorBody, Result } from './result'

/**
 * What a transport must offer the typed client: a way to send one call and to listen to events.
 * Implemented by the Electron preload bridge and by the WebSocket client.
 */
export interface Transport {
  readonly kind: 'electron' | 'websocket'
  invoke(channel: string, payload: unknown): Promise<Result<unknown>>
  subscribe(event: string, listener: (payload: unknown) => void): () => void
}

export type { IpcErrorBody, Result }
