import { createContext, useContext } from 'react'
import { createClient } from '../../../shared/ipc/client'
import type { SemagicClient } from '../../../shared/ipc/client'
import { createWebSocketTransport, takeToken } from './ws-transport'

/** Inside Electron the preload has set `window.semagic`; in a browser we talk to `semagic serve`. */
export function connectClient(): SemagicClient {
  return createClient(window.semagic ?? createWebSocketTransport(takeToken()))
}

export const ClientContext = createContext<SemagicClient | null>(null)

export function useClient(): SemagicClient {
  const client = useContext(ClientContext)
  if (!client) throw new Error('useClient outside <ClientContext.Provider>')
  return client
}
