import type { Browser, Frame, Page } from 'playwright-core'
import type { MainHost, SenderFrame } from './main-host'
import { loadPreload } from './preload-world'
import type { PreloadWorld } from './preload-world'

/**
 * Chromium cannot load a custom scheme, so app://studio is shown under this origin (https, so
 * the page is a secure context as app:// is) and every request is answered by main's
 * protocol.handle handler; IPC frames report the app:// URL to main.
 */
const STAND_IN = 'https://studio.invalid'
const BINDING = '__fakeElectronIpc'
export const toApp = (url: string): string => (url.startsWith(STAND_IN) ? `app://studio${url.slice(STAND_IN.length)}` : url)
const toStandIn = (url: string): string => url.replace(/^app:\/\/studio/, STAND_IN)

export interface ElectronPage {
  page: Page
  windowId: number
  /** The name and members of what the preload exposed, as the page got them. */
  exposed: { key: string; members: string[] }
  /** Event payloads the preload handed to the renderer's listeners. */
  delivered: { event: string; payload: unknown }[]
  /** Console errors and uncaught exceptions (CSP violations included). */
  errors: string[]
  /** WebSockets the page opened: there should be none, IPC is its transport. */
  sockets: string[]
  goto(hash: string): Promise<void>
}

type FromPage =
  | { op: 'invoke'; world: string; channel: string; payload: unknown }
  | { op: 'subscribe'; world: string; id: number; event: string }
  | { op: 'unsubscribe'; world: string; id: number }

/**
 * Opens main's first window in Chromium: the page main asked for, served by main's protocol
 * handler, with the preload's API installed before any page script runs, the way
 * contextBridge does (calls and events cross worlds; the object is frozen).
 */
export async function openWindow(browser: Browser, host: MainHost): Promise<ElectronPage> {
  const { windowId, url } = await host.firstLoad
  const frameOf = (frame: Frame): SenderFrame => ({
    windowId,
    url: toApp(frame.url()),
    top: frame.parentFrame() === null,
    parentUrl: frame.parentFrame()?.url(),
  })
  const probe = loadPreload(host, () => ({ windowId: -1, url: '', top: true }))
  probe.dispose()
  const exposed = { key: probe.key, members: Object.keys(probe.api).sort() }

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  const errors: string[] = []
  const sockets: string[] = []
  const delivered: ElectronPage['delivered'] = []
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('websocket', (ws) => sockets.push(ws.url()))

  await page.route(`${STAND_IN}/**`, async (route) => {
    const request = route.request()
    try {
      const res = await host.fetch(toApp(request.url()), request.method(), await request.allHeaders())
      await route.fulfill({ status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(res.body) })
    } catch {
      await route.abort('failed')
    }
  })

  // One preload world per document, as Electron runs the preload again on every load.
  let current: { id: string; world: PreloadWorld; subs: Map<number, () => void> } | null = null
  await page.exposeBinding(BINDING, async (source, msg: FromPage) => {
    if (current?.id !== msg.world) {
      current?.world.dispose()
      const frame = source.frame
      current = { id: msg.world, world: loadPreload(host, () => frameOf(frame)), subs: new Map() }
    }
    const { id: worldId, world, subs } = current
    if (msg.op === 'invoke') return world.api.invoke(msg.channel, msg.payload)
    if (msg.op === 'unsubscribe') return void subs.get(msg.id)?.()
    const off = world.api.subscribe(msg.event, (payload) => {
      delivered.push({ event: msg.event, payload })
      page
        .evaluate(([b, w, id, p]) => (globalThis as unknown as Record<string, (...a: unknown[]) => void>)[`${b}Deliver`]!(w, id, p), [BINDING, worldId, msg.id, payload] as const)
        .catch(() => undefined) // the page navigated away: its world is gone, as in Electron
    })
    subs.set(msg.id, off)
  })
  await page.addInitScript(
    ({ binding, key, kind }) => {
      const g = globalThis as unknown as Record<string, unknown>
      const call = (msg: object): Promise<unknown> => (g[binding] as (m: object) => Promise<unknown>)(msg)
      const world = `${Date.now()}-${Math.random()}`
      const listeners = new Map<number, (payload: unknown) => void>()
      let next = 0
      Object.defineProperty(g, `${binding}Deliver`, {
        value: (w: string, id: number, payload: unknown) => (w === world ? listeners.get(id)?.(payload) : undefined),
      })
      const api = Object.freeze({
        kind,
        invoke: (channel: string, payload: unknown) => call({ op: 'invoke', world, channel, payload }),
        subscribe: (event: string, listener: (payload: unknown) => void) => {
          const id = ++next
          listeners.set(id, listener)
          void call({ op: 'subscribe', world, id, event })
          return () => {
            listeners.delete(id)
            void call({ op: 'unsubscribe', world, id })
          }
        },
      })
      Object.defineProperty(g, key, { value: api, enumerable: true })
    },
    { binding: BINDING, key: exposed.key, kind: probe.api.kind },
  )

  await page.goto(toStandIn(url))
  await host.command('loaded', { windowId })
  return {
    page,
    windowId,
    exposed,
    delivered,
    errors,
    sockets,
    goto: async (hash) => {
      await page.goto(`${STAND_IN}/index.html${hash}`)
    },
  }
}
