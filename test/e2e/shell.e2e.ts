import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { MIGRATIONS } from '../../src/main/store/migrations'
import { launchChromium } from './chromium'

let browser: Browser
let page: Page
const consoleErrors: string[] = []
const url = inject('serveUrl')
const origin = new URL(url).origin

beforeAll(async () => {
  browser = await launchChromium()
  page = await browser.newPage()
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
  page.on('pageerror', (e) => consoleErrors.push(e.message))
})
afterAll(async () => browser?.close())

describe('the studio in Chromium against semagic serve', () => {
  it('renders the shell with every studio area in the navigation', async () => {
    await page.goto(url)
    const nav = page.getByRole('navigation', { name: 'Studio areas' })
    for (const label of ['Data sets', 'Annotate', 'Meshes', 'Transfer', 'Training', 'Reports', 'Health']) {
      await expect(nav.getByRole('link', { name: label }).isVisible()).resolves.toBe(true)
    }
    // The token leaves the address bar once the page has it.
    expect(page.url()).not.toContain('token=')
  })

  it('shows real data from the core in the health panel and status bar', async () => {
    await page.goto(`${origin}/#/health`)
    await page.getByRole('heading', { name: 'Health' }).waitFor()
    const dd = (name: string) => page.getByTestId(`fact-${name}`).locator('dd').textContent()
    expect(await dd('schema-version')).toBe(String(MIGRATIONS.length))
    expect(await dd('journal-mode')).toBe('wal')
    expect(await dd('transport')).toBe('websocket')
    expect(await dd('database')).toBe(join(inject('dataDir'), 'semagic.sqlite'))
    expect(await dd('node')).toBe(process.versions.node)
    const tfjs = page.getByRole('table', { name: 'tfjs backends' })
    await expect(tfjs.getByRole('row', { name: /wasm yes/ }).count()).resolves.toBe(1)
    const onnx = page.getByRole('table', { name: 'ONNX runtime providers' })
    await expect(onnx.getByRole('row', { name: /cpu yes/ }).count()).resolves.toBe(1)
    const hub = page.getByRole('table', { name: 'Hugging Face models' })
    expect(await hub.locator('caption').textContent()).toMatch(/^Hugging Face models in \S+hub \((from https?:\/\/|offline)/)
    await expect(hub.getByRole('row').count()).resolves.toBeGreaterThan(1)
    // The server runs with SwiftShader's Vulkan driver (global-setup): listed, as software.
    const gpus = page.getByRole('table', { name: 'WebGPU adapters' })
    await expect(gpus.getByRole('row', { name: /^google swiftshader .* SwiftShader driver [\d.]+ software \d+ MiB/ }).count()).resolves.toBe(1)
    const device = page.getByRole('combobox', { name: 'Compute device' })
    expect(await device.inputValue()).toBe('auto')
    expect(await page.getByTestId('status-transport').textContent()).toBe('transport: websocket')
    expect(await page.getByTestId('status-backend').textContent()).toBe('backend: wasm')
  })

  it('returns a validation error for a malformed payload sent over the page socket', async () => {
    const result = await page.evaluate(
      (host) =>
        new Promise<unknown>((resolve) => {
          // No token in the URL: the page's cookie authenticates the upgrade.
          const ws = new WebSocket(`ws://${host}/ws`)
          ws.onopen = () => ws.send(JSON.stringify({ type: 'call', id: 7, channel: 'jobs.get', payload: { id: 12 } }))
          ws.onmessage = (m) => resolve(JSON.parse(String(m.data)))
        }),
      new URL(origin).host,
    )
    expect(result).toMatchObject({ type: 'result', id: 7, result: { ok: false, error: { code: 'VALIDATION' } } })
  })

  it('logged no errors (CSP violations included) while the views ran', () => {
    expect(consoleErrors).toEqual([])
  })

  it('refuses a browser without the token', async () => {
    const context = await browser.newContext()
    const stranger = await context.newPage()
    const response = await stranger.goto(origin)
    expect(response?.status()).toBe(401)
    expect(await stranger.textContent('body')).toContain('token required')
    await context.close()
  })
})
