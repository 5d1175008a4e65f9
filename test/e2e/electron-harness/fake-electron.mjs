// The `electron` module as the built main process sees it, for a plain Node child process.
// Only what src/main uses is modelled; anything else throws, so a new Electron call in src/main
// fails the test until the harness (and the test's checks) learn it. Talks to the test over
// the child-process IPC channel.
import { EventEmitter } from 'node:events'
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'

function strict(name, target) {
  return new Proxy(target, {
    get(t, key, receiver) {
      // `then` is probed by every await/Promise.resolve; symbols by inspect and coercion.
      if (typeof key === 'symbol' || key === 'then' || key in t) return Reflect.get(t, key, receiver)
      throw new Error(`fake electron: ${name}.${String(key)} is not modelled (test/e2e/electron-harness/fake-electron.mjs)`)
    },
  })
}

function oneOf(what, name, allowed) {
  if (!allowed.includes(name)) throw new Error(`fake electron: ${what} '${name}' is not modelled`)
}

const toTest = (message) => process.send(message)
const record = { sandbox: false, schemes: [], windows: [], errorBoxes: [], external: [], quitRequested: false }

let ready = false
let resolveReady
const readyPromise = new Promise((r) => (resolveReady = r))
// Electron is ready only after the main script's first turn has run.
setImmediate(() => {
  ready = true
  appEvents.emit('ready')
  resolveReady()
})
const beforeReady = (what) => {
  if (ready) throw new Error(`fake electron: ${what} can only be called before the app is ready`)
}
const afterReady = (what) => {
  if (!ready) throw new Error(`fake electron: ${what} cannot be used before the app is ready`)
}

const appEvents = new EventEmitter()
const APP_EVENTS = ['ready', 'web-contents-created', 'activate', 'window-all-closed', 'before-quit', 'will-quit', 'quit']

function quit() {
  record.quitRequested = true
  const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) }
  appEvents.emit('before-quit', event)
  for (const w of [...windows]) w.close(false)
  appEvents.emit('will-quit', event)
  if (event.defaultPrevented) return
  appEvents.emit('quit', event, 0)
  process.exit(0)
}

const app = strict('app', {
  enableSandbox() {
    beforeReady('app.enableSandbox')
    record.sandbox = true
  },
  on(name, listener) {
    oneOf('app event', name, APP_EVENTS)
    appEvents.on(name, listener)
    return app
  },
  whenReady: () => readyPromise,
  isReady: () => ready,
  getPath(name) {
    oneOf('app.getPath', name, ['userData'])
    return process.env.FAKE_ELECTRON_USER_DATA
  },
  getAppPath: () => process.env.FAKE_ELECTRON_APP_PATH,
  quit,
  exit: (code) => process.exit(code),
})

const windows = []
let nextId = 0

function BrowserWindow(options) {
  afterReady('new BrowserWindow')
  const id = ++nextId
  const rec = { id, options: structuredClone(options), urls: [], shown: false }
  record.windows.push(rec)
  const winEvents = new EventEmitter()
  const wcEvents = new EventEmitter()
  const openHandlers = []
  let destroyed = false
  let finishLoad
  const webContents = strict('webContents', {
    id,
    setWindowOpenHandler: (handler) => openHandlers.push(handler),
    on(name, listener) {
      oneOf('webContents event', name, ['will-navigate', 'will-attach-webview', 'did-finish-load'])
      wcEvents.on(name, listener)
      return webContents
    },
    send(channel, ...args) {
      if (destroyed) throw new Error('Object has been destroyed')
      // advanced serialization: what cannot be structured-cloned fails here as it does in Electron.
      toTest({ type: 'send', windowId: id, channel, args })
    },
    isDestroyed: () => destroyed,
  })
  const win = strict('BrowserWindow', {
    id,
    webContents,
    on(name, listener) {
      oneOf('BrowserWindow event', name, ['ready-to-show', 'close', 'closed'])
      winEvents.on(name, listener)
      return win
    },
    once(name, listener) {
      oneOf('BrowserWindow event', name, ['ready-to-show', 'close', 'closed'])
      winEvents.once(name, listener)
      return win
    },
    show: () => (rec.shown = true),
    isDestroyed: () => destroyed,
    loadURL(url) {
      rec.urls.push(url)
      toTest({ type: 'load-url', windowId: id, url })
      return new Promise((resolve) => (finishLoad = resolve))
    },
    close(emptyNow = true) {
      if (destroyed) return
      winEvents.emit('close', { preventDefault: () => undefined })
      destroyed = true
      windows.splice(windows.indexOf(win), 1)
      winEvents.emit('closed')
      if (emptyNow && windows.length === 0) appEvents.emit('window-all-closed')
    },
  })
  // What the test drives from outside: the page it shows, and the handlers main installed.
  testHooks.set(id, {
    loaded() {
      wcEvents.emit('did-finish-load')
      winEvents.emit('ready-to-show')
      finishLoad?.()
    },
    windowOpen: (url) =>
      openHandlers.map((h) => h({ url, frameName: '', features: '', disposition: 'foreground-tab', referrer: { url: '', policy: 'default' } })),
    willNavigate(name, url) {
      const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) }
      wcEvents.emit(name, event, url)
      return event.defaultPrevented
    },
    webContents,
    close: () => win.close(),
  })
  windows.push(win)
  appEvents.emit('web-contents-created', { preventDefault: () => undefined }, webContents)
  return win
}
BrowserWindow.getAllWindows = () => [...windows]
const testHooks = new Map()

const ipcHandlers = new Map()
const ipcMain = strict('ipcMain', {
  handle(channel, handler) {
    if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    ipcHandlers.set(channel, handler)
  },
  removeHandler: (channel) => ipcHandlers.delete(channel),
})

const protocolHandlers = new Map()
const protocol = strict('protocol', {
  registerSchemesAsPrivileged(schemes) {
    beforeReady('protocol.registerSchemesAsPrivileged')
    record.schemes.push(...structuredClone(schemes))
  },
  handle(scheme, handler) {
    afterReady('protocol.handle')
    if (protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`)
    protocolHandlers.set(scheme, handler)
  },
})

// The types Chromium's file:// loader gives the renderer's files (net::GetMimeTypeFromFile).
const MIME = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
}
const net = strict('net', {
  async fetch(url) {
    if (!url.startsWith('file://')) throw new Error(`fake electron: net.fetch of ${url} is not modelled`)
    const path = fileURLToPath(url)
    let body
    try {
      body = await readFile(path)
    } catch {
      throw new Error('net::ERR_FILE_NOT_FOUND')
    }
    const type = MIME[extname(path).toLowerCase()]
    return new Response(body, { status: 200, headers: type ? { 'content-type': type } : {} })
  },
})

const permission = { request: null, check: null }
const defaultSession = strict('session.defaultSession', {
  setPermissionRequestHandler: (handler) => (permission.request = handler),
  setPermissionCheckHandler: (handler) => (permission.check = handler),
})
const session = strict('session', {
  get defaultSession() {
    afterReady('session.defaultSession')
    return defaultSession
  },
})

const shell = strict('shell', {
  openExternal: async (url) => void record.external.push(url),
})
const dialog = strict('dialog', {
  showErrorBox(title, content) {
    record.errorBoxes.push({ title, content })
    process.stderr.write(`error box: ${title}: ${content}\n`)
  },
})

const commands = {
  async invoke({ channel, args, frame }) {
    const handler = ipcHandlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    const wc = testHooks.get(frame.windowId)?.webContents
    const senderFrame = strict('WebFrameMain', { url: frame.url, parent: frame.top ? null : strict('WebFrameMain', { url: frame.parentUrl }) })
    return handler(strict('IpcMainInvokeEvent', { sender: wc, senderFrame, frameId: 1, processId: 1 }), ...args)
  },
  async protocol({ url, method, headers }) {
    const handler = protocolHandlers.get(new URL(url).protocol.slice(0, -1))
    if (!handler) throw new Error('net::ERR_UNKNOWN_URL_SCHEME')
    const response = await handler(new Request(url, { method, headers }))
    return { status: response.status, headers: [...response.headers], body: Buffer.from(await response.arrayBuffer()) }
  },
  loaded: ({ windowId }) => testHooks.get(windowId).loaded(),
  windowOpen: ({ windowId, url }) => ({ results: testHooks.get(windowId).windowOpen(url), external: record.external }),
  navigate: ({ windowId, event, url }) => testHooks.get(windowId).willNavigate(event, url),
  async permission({ windowId, name }) {
    const wc = testHooks.get(windowId).webContents
    const granted = await new Promise((r) => permission.request(wc, name, r, { requestingUrl: 'app://studio/' }))
    return { granted, checked: permission.check(wc, name, 'app://studio', {}) }
  },
  record: () => ({ ...record, ipcChannels: [...ipcHandlers.keys()], protocols: [...protocolHandlers.keys()] }),
  close: ({ windowId }) => testHooks.get(windowId).close(),
}

process.on('message', (message) => {
  const run = commands[message.type]
  Promise.resolve()
    .then(() => run(message))
    .then(
      (value) => toTest({ type: 'reply', id: message.id, ok: true, value }),
      (error) => toTest({ type: 'reply', id: message.id, ok: false, message: String(error?.message ?? error) }),
    )
})

export default strict('electron', { app, BrowserWindow, ipcMain, protocol, net, session, shell, dialog })
