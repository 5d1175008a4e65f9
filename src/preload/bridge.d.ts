import type { Transport } from '../shared/ipc/transport'

declare global {
  interface Window {
    /** Present only inside Electron (set by the preload). */
    semagic?: Transport
  }
}
export {}
