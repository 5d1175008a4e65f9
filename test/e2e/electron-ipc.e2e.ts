import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../src/main/store/migrations'
import { CHANNEL_NAMES } from '../../src/shared/ipc/contract'
import type { Job } from '../../src/shared/ipc/channels/jobs'
import { IPC_EVENT, IPC_PREFIX } from '../../src/shared/ipc/wire'
import { launchChromium } from './chromium'
import { openWindow } from './electron-harness/electron-page'
import type { ElectronPage } from './electron-harness/electron-page'
import { startMain } from './electron-harness/main-host'
import type { MainHost, MainRecord } from './electron-harness/main-host'
import { imagesLoaded, importFixtureThroughForm, saveScreenshot } from './studio-page'

/*
 * The Electron build's own code paths without an Electron binary: the built main bundle runs in
 * Node with a fake `electron` module, the built preload runs against it, and the built renderer
 * runs in Chromium with the preload's API installed, so every call below crosses main's
 * ipcMain handlers and every page file comes from main's app:// protocol handler.
 */
const root = resolve(__dirname, '../..')
const TAG = 'electron-ipc'
let browser: Browser
let host: MainHost
let win: ElectronPage
let page: Page
let userData: string

/** The job.updated payloads main sent to its window, in order. */
function jobsSent(): Job[] {
  return host.sent
    .filter((s) => s.channel === IPC_EVENT && (s.args[0] as { event: string }).event === 'job.updated')
    .map((s) => (s.args[0] as { payload: Job }).payload)
}

async function start(): Promise<void> {
  host = startMain(userData, { SEMAGIC_DEMO_SIZE: 'small' })
  win = await openWindow(browser, host)
  page = win.page
}

beforeAll(async () => {
  userData = mkdtempSync(join(tmpdir(), 'semagic-fake-electron-'))
  browser = await launchChromium()
  await start()
})
afterAll(async () => {
  await host?.stop()
  await browser?.close()
  if (userData) rmSync(userData, { recursive: true, force: true })
})

describe('the Electron build (main, preload, renderer) over IPC, with electron faked', () => {
  it('asks for an isolated, sandboxed window on app://studio and locks it down', async () => {
    const rec = await host.command<MainRecord>('record')
    expect(rec.sandbox).toBe(true)
    expect(rec.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }])
    expect(rec.protocols).toEqual(['app'])
    expect(rec.ipcChannels).toEqual(CHANNEL_NAMES.map((c) => IPC_PREFIX + c))
    expect(rec.windows).toHaveLength(1)
    const [window] = rec.windows
    expect(window!.options.webPreferences).toMatchObject({
      preload: join(root, 'out/preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    })
    expect(window!.urls).toEqual(['app://studio/index.html'])
    expect([window!.options.show, window!.shown]).toEqual([false, true]) // shown on ready-to-show
    expect(win.exposed).toEqual({ key: 'semagic', members: ['invoke', 'kind', 'subscribe'] })

    const open = await host.command<{ results: unknown[]; external: string[] }>('windowOpen', { windowId: win.windowId, url: 'https://example.org/docs' })
    expect(open).toEqual({ results: [{ action: 'deny' }, { action: 'deny' }], external: ['https://example.org/docs'] })
    const prevented = (event: string, url: string) => host.command<boolean>('navigate', { windowId: win.windowId, event, url })
    await expect(prevented('will-navigate', 'https://evil.example/')).resolves.toBe(true)
    await expect(prevented('will-navigate', 'app://studio/index.html#/reports')).resolves.toBe(false)
    await expect(prevented('will-attach-webview', 'app://studio/index.html')).resolves.toBe(true)
    await expect(host.command('permission', { windowId: win.windowId, name: 'media' })).resolves.toEqual({ granted: false, checked: false })
  })

  it('refuses calls from other frames in main, and unknown channels in the preload', async () => {
    const info = IPC_PREFIX + 'system.info'
    const unauthorized = { ok: false, error: { code: 'UNAUTHORIZED' } }
    await expect(host.invoke(info, [{}], { windowId: win.windowId, url: 'https://evil.example/', top: true })).resolves.toMatchObject(unauthorized)
    await expect(host.invoke(info, [{}], { windowId: win.windowId, url: 'app://studio/index.html', top: false })).resolves.toMatchObject(unauthorized)
    const fromPage = await page.evaluate(() => (globalThis as unknown as { semagic: { invoke(c: string, p: unknown): Promise<unknown> } }).semagic.invoke('shell.exec', {}))
    expect(fromPage).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } })
  })

  it('shows the core behind IPC in the health panel and the status bar', async () => {
    await win.goto('#/health')
    await page.getByRole('heading', { name: 'Health' }).waitFor()
    const dd = (name: string) => page.getByTestId(`fact-${name}`).locator('dd').textContent()
    expect(await dd('transport')).toBe('electron')
    expect(await dd('database')).toBe(join(userData, 'semagic.sqlite')) // app.getPath('userData')
    expect(await dd('schema-version')).toBe(String(MIGRATIONS.length))
    expect(await dd('node')).toBe(process.versions.node)
    expect(await page.getByTestId('status-transport').textContent()).toBe('transport: electron')
    expect(await page.getByTestId('status-backend').textContent()).toMatch(/^backend: (?!none$)\S+$/)
  })

  it('prepares the built-in demo data set on its first start, with job events sent to the window, and lists it', async () => {
    const demo = () => jobsSent().filter((j) => j.kind === 'datasets.demo')
    await expect.poll(() => demo().at(-1)?.status, { timeout: 100_000, interval: 500 }).toBe('succeeded')
    expect(demo().some((j) => j.status === 'running' && j.progress !== null)).toBe(true)
    await win.goto('#/datasets')
    await expect(page.getByTestId('dataset-demo').getByTestId('dataset-images').textContent()).resolves.toMatch(/^[1-9]/)
  }, 120_000)

  it("shows a service's error with its message, then imports with progress events sent to the window", async () => {
    await win.goto('#/datasets')
    await importFixtureThroughForm(page, 'fixture')
    await expect(page.getByTestId('dataset-fixture').getByTestId('dataset-images').textContent()).resolves.toBe('6')

    const importJobs = (jobs: Job[]) => jobs.filter((j) => j.kind === 'datasets.import' && j.title === 'Import fixture (SPair-71k)')
    const sent = importJobs(jobsSent())
    expect(sent.map((j) => j.status)).toContain('running')
    expect(sent.at(-1)?.status).toBe('succeeded')
    // ...and the preload handed them to the renderer's listener (the page's job store).
    const delivered = () => win.delivered.filter((d) => d.event === 'job.updated').map((d) => d.payload as Job)
    await expect.poll(() => importJobs(delivered()).at(-1)?.status).toBe('succeeded')
  })

  it("lists the fixture and opens an image whose pixels come from main's protocol handler", async () => {
    await win.goto('#/datasets?ds=fixture')
    await expect.poll(() => page.getByTestId('grid-count').textContent()).toBe('6 images')
    expect(await imagesLoaded(page, '[data-testid=thumb] img', 6)).toHaveLength(6)
    await page.getByTestId('thumb').first().click()
    await expect.poll(() => page.getByTestId('image-title').textContent()).toBe('bicycle/2010_000004')
    await imagesLoaded(page, '[data-testid=stage-image]')
  })

  it('tags an image over IPC; the tag is in the SQLite file and still there after the app quits and starts again', async () => {
    await win.goto('#/annotate?ds=fixture&i=0')
    await expect.poll(() => page.getByTestId('image-title').textContent()).toBe('bicycle/2010_000004')
    await page.getByLabel('New tag').fill(TAG)
    await page.getByRole('button', { name: 'Tag', exact: true }).click()
    await page.getByRole('button', { name: `remove tag ${TAG}` }).waitFor()
    expect(win.errors).toEqual([])
    expect(win.sockets).toEqual([])

    // Closing the only window quits the app (window-all-closed, will-quit closes the core).
    await page.close()
    expect(await host.closeWindow(win.windowId)).toBe(0)
    const db = new Database(join(userData, 'semagic.sqlite'), { readonly: true })
    try {
      const rows = db.prepare("SELECT value FROM image_overlays WHERE stem = '2010_000004'").all() as { value: string }[]
      expect(rows.map((r) => r.value).join()).toContain(TAG)
    } finally {
      db.close()
    }

    await start()
    await win.goto('#/annotate?ds=fixture&i=0')
    await page.getByRole('button', { name: `remove tag ${TAG}` }).waitFor()
    await imagesLoaded(page, '[data-testid=stage-image]')
    await saveScreenshot(page, 'electron-ipc-annotate')
    await win.goto('#/datasets?ds=fixture')
    await expect.poll(() => page.getByLabel('Tag', { exact: true }).locator('option').allTextContents()).toContain(`${TAG} (1)`)
    expect(win.errors).toEqual([])
    expect(win.sockets).toEqual([])
  })
})
