import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { expect, inject } from 'vitest'
import { launchChromium } from './chromium'

const shots = resolve(__dirname, '../../test-results/screenshots')

export interface CanvasLike {
  width: number
  height: number
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null
}
/** The page's document, typed just enough: the test project has no DOM library (it also covers main). */
export type PageGlobal = { document: { querySelector(selector: string): CanvasLike | null; querySelectorAll(selector: string): ArrayLike<ImgLike> } }

export interface StudioPage {
  browser: Browser
  page: Page
  origin: string
  /** Console errors and uncaught exceptions (CSP violations included) seen so far. */
  errors: string[]
  goto(hash: string): Promise<void>
  screenshot(view: string): Promise<void>
}

/** A browser page already holding the serve token, the way a user who opened the printed URL has it. */
export async function openStudio(): Promise<StudioPage> {
  const url = inject('serveUrl')
  const origin = new URL(url).origin
  const browser = await launchChromium()
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true })
  const errors: string[] = []
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(url)
  await connected(page)
  return {
    browser,
    page,
    origin,
    errors,
    goto: async (hash) => {
      await page.goto(`${origin}/${hash}`)
    },
    screenshot: (view) => saveScreenshot(page, view),
  }
}

/**
 * Waits until the status bar shows the transport, which takes the page's first answer from the
 * server: a test that starts before the studio has answered would time out on whatever it looks
 * for first. Failing, it says what the page showed instead.
 */
async function connected(page: Page): Promise<void> {
  const transport = page.getByTestId('status-transport')
  try {
    await transport.waitFor({ timeout: 90_000 })
  } catch (error) {
    const shown = await page.locator('body').innerText().catch((e: Error) => `(unreadable: ${e.message})`)
    throw new Error(`the studio at ${page.url()} did not connect in 90 s; the page showed:\n${shown.slice(0, 2000)}`, { cause: error })
  }
}

/** Saves test-results/screenshots/<view>.png, where the README's screenshots come from. */
export async function saveScreenshot(page: Page, view: string): Promise<void> {
  mkdirSync(shots, { recursive: true })
  await page.screenshot({ path: join(shots, `${view}.png`) })
}

interface ImgLike {
  complete: boolean
  naturalWidth: number
}

/**
 * Resolves once every <img> matched (and, given `count`, that many) has decoded with real
 * pixels; returns their natural widths, read in the same check: a grid that renders its cells
 * in more than one pass would otherwise be read between passes.
 */
export async function imagesLoaded(page: Page, selector: string, count?: number): Promise<number[]> {
  const widths = await page.waitForFunction(
    ([sel, n]) => {
      const imgs = Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll(sel))
      const ready = imgs.length > 0 && (n === null || imgs.length === n) && imgs.every((i) => i.complete && i.naturalWidth > 0)
      return ready ? imgs.map((i) => i.naturalWidth) : null
    },
    [selector, count ?? null] as const,
    { timeout: 15_000 },
  )
  return (await widths.jsonValue()) as number[]
}

/**
 * What a user does in the Data sets view's import form: a folder that does not exist is refused
 * with its path in the message, then the test fixture imports under `name` with its progress
 * finished and its summary shown. Returns the form, for further checks.
 */
export async function importFixtureThroughForm(page: Page, name: string): Promise<Locator> {
  await page.getByText('Import a data set folder', { exact: false }).click()
  const form = page.getByRole('form', { name: 'Import data set folder' })
  await form.getByLabel('Folder').fill('/nonexistent/SPair-71k')
  await form.getByRole('button', { name: 'Import' }).click()
  await expect(form.getByRole('alert').textContent()).resolves.toContain('/nonexistent/SPair-71k')
  await form.getByLabel('Folder').fill(inject('fixtureRoot'))
  await form.getByLabel('Name').fill(name)
  await form.getByRole('button', { name: 'Import' }).click()
  await expect(form.getByTestId('import-result').textContent()).resolves.toMatch(new RegExp(`${name} imported .* 6 images in 2 categories, 8 pairs`))
  expect(await form.getByTestId('job-progress').getAttribute('data-status')).toBe('succeeded')
  return form
}
