import { ipcMain } from 'electron'
import type { IpcMainInvokeEvent, WebContents } from 'electron'
import { CHANNEL_NAMES } from '../../shared/ipc/contract'
import { IPC_EVENT, IPC_PREFIX } from '../../shared/ipc/wire'
import type { Core } from '../core/create-core'

/**
 * The Electron transport: one `ipcMain.handle` per contract channel, each checking that the
 * call comes from our own top frame before it reaches the registry.
 */
export function attachIpc(core: Core, isTrustedUrl: (url: string) => boolean, target: () => WebContents | null): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame
    return frame !== null && frame.parent === null && isTrustedUrl(frame.url)
  }
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(IPC_PREFIX + channel, async (event, payload: unknown) => {
      if (!trusted(event)) {
        return { ok: false, error: { code: 'UNAUTHORIZED', message: 'IPC from an untrusted frame' } }
      }
      return core.registry.invoke(channel, payload, { transport: 'electron' })
    })
  }
  const detach = core.hub.attach((event, payload) => {
    const wc = target()
    if (wc && !wc.isDestroyed()) wc.send(IPC_EVENT, { event, payload })
  })
  return () => {
    detach()
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(IPC_PREFIX + channel)
  }
}
