import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStudio } from './studio-page'
import type { StudioPage } from './studio-page'

let s: StudioPage
let page: Page
beforeAll(async () => {
  s = await openStudio()
  page = s.page
})
afterAll(async () => s?.browser.close())

describe('Reports view', () => {
  it('runs an evaluation from the form and shows its PCK row', async () => {
    await s.goto('#/reports')
    const form = page.getByRole('form', { name: 'Run evaluation' })
    await form.getByLabel('Data set').selectOption('fixture')
    await form.getByLabel('Method').fill('nn-handmade')
    await form.getByRole('button', { name: 'Evaluate' }).click()
    await form.locator('[data-testid=job-progress][data-status=succeeded]').waitFor({ timeout: 45_000 })
    // Other files' newer reports may show first: wait until the view has switched to this one.
    await expect.poll(() => new URL(page.url()).hash).toContain('ds=fixture')
    const row = page.getByTestId('pck-row-nn-handmade')
    await expect.poll(() => row.locator('td').count()).toBe(4)
    const cells = await row.locator('td').allTextContents()
    // bicycle, cat, mean, all: percentages with one decimal.
    expect(cells).toHaveLength(4)
    for (const c of cells) expect(c).toMatch(/^\d{1,3}\.\d$/)
    await page.getByTestId('pck-chart').locator('canvas').waitFor()
    await s.screenshot('reports')
  })

  it('sorts by a column and switches to per-point PCK', async () => {
    const header = page.getByRole('table', { name: /PCK@0\.1 per image/ }).getByRole('button', { name: 'all' })
    await header.click()
    await expect.poll(() => page.getByRole('columnheader', { name: /all/ }).first().getAttribute('aria-sort')).toBe('descending')
    await page.getByRole('button', { name: 'per point' }).click()
    await page.getByRole('table', { name: /PCK@0\.1 per point/ }).waitFor()
  })

  it('exports the table as CSV that starts with the header row', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV' }).click()])
    expect(download.suggestedFilename()).toMatch(/\.csv$/)
    const text = readFileSync((await download.path())!, 'utf8')
    expect(text.startsWith('method,bicycle,cat,mean,all\n')).toBe(true)
    expect(text).toMatch(/\nnn-handmade,0\.\d{6},/)
  })

  it('exports the chart as SVG and PNG', async () => {
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG' }).click()])
    expect(readFileSync((await svg.path())!, 'utf8')).toContain('<svg xmlns="http://www.w3.org/2000/svg"')
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PNG' }).click()])
    expect(readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG')
  })

  it('shows a refused evaluation with the service’s message', async () => {
    const form = page.getByRole('form', { name: 'Run evaluation' })
    await form.getByLabel('Method').fill('no-such-method')
    await form.getByRole('button', { name: 'Evaluate' }).click()
    const alert = form.getByRole('alert').first()
    await alert.waitFor()
    expect(await alert.textContent()).toContain('unknown method')
  })

  it('logged no errors (CSP violations included)', () => {
    expect(s.errors).toEqual([])
  })
})
