import { app, BrowserWindow, dialog } from 'electron'
import { join } from 'node:path'
import { createCore } from './core/create-core'
import { startDemo } from './core/start-demo'
import type { Core } from './core/create-core'
import { registerAppScheme, serveRenderer } from './electron/app-protocol'
import { attachIpc } from './electron/ipc-adapter'
import { createMainWindow, isTrustedUrl } from './electron/main-window'
import { electronSqliteBinding } from './electron/native-binding'

const outDir = join(__dirname, '..')
registerAppScheme()

let core: Core | null = null
let window: BrowserWindow | null = null

app.enableSandbox()
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
})

void app.whenReady().then(() => {
  try {
    core = createCore({
      dataDir: process.env.SEMAGIC_DATA_DIR ?? app.getPath('userData'),
      nativeBinding: electronSqliteBinding(app.getAppPath()),
    })
  } catch (error) {
    dialog.showErrorBox('SEMAGIC studio could not open its workspace', (error as Error).message)
    app.exit(1)
    return
  }
  const media = core.services.media
  serveRenderer(join(outDir, 'renderer'), (path) => media.resolve(path))
  attachIpc(core, isTrustedUrl, () => window?.webContents ?? null)
  startDemo(core, (message) => console.error(message))
  window = createMainWindow(outDir)
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createMainWindow(outDir)
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
app.on('will-quit', () => core?.close())
