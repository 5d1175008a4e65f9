import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStudio } from './studio-page'
import type { PageGlobal, StudioPage } from './studio-page'
import { trainDemoRun } from './train-form'

let s: StudioPage
let page: Page
beforeAll(async () => {
  s = await openStudio()
  page = s.page
})
afterAll(async () => s?.browser.close())

/**
 * Pixels on the loss chart's canvas in the `total` series colour (#0072B2): axes and grid alone
 * would also paint the canvas, so only the curve itself counts as "not blank".
 */
async function curvePixels(): Promise<number> {
  return page.evaluate(() => {
    const c = (globalThis as unknown as PageGlobal).document.querySelector('[data-testid=loss-chart] canvas')
    const data = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data
    if (!data) return 0
    let n = 0
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i]! - 0x00) < 30 && Math.abs(data[i + 1]! - 0x72) < 30 && Math.abs(data[i + 2]! - 0xb2) < 30 && data[i + 3]! > 128) n++
    }
    return n
  })
}

describe('Training view', () => {
  it('trains a short run on the demo data set and shows its loss curve', { timeout: 240_000 }, async () => {
    await trainDemoRun(s, 20)

    const row = page.locator('[data-testid^=run-row-][data-status=succeeded]').first()
    await row.waitFor({ timeout: 15_000 })
    expect(await row.getByTestId('run-steps').textContent()).toBe('20 / 20')
    expect(await row.locator('td').nth(2).textContent()).toBe('demo / quadruped')
    await row.getByRole('button', { name: /^Show run / }).click()
    expect(await row.getAttribute('aria-selected')).toBe('true')

    const chart = page.getByTestId('loss-chart')
    await chart.locator('canvas').waitFor()
    expect(Number(await chart.getAttribute('data-rows'))).toBeGreaterThan(0)
    await expect.poll(curvePixels, { timeout: 10_000 }).toBeGreaterThan(100)
    // One legend entry per plotted loss key, total first.
    const legend = await chart.locator('.u-legend .u-series .u-label').allTextContents()
    expect(legend.slice(1)).toEqual(['total', 'view', 'feature', 'chamfer'])
    await s.screenshot('training')
  })

  it('logged no errors (CSP violations included)', () => {
    expect(s.errors).toEqual([])
  })
})
