import type { Page } from 'playwright-core'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
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

/** The first two series colours of the charts (lib/palette.ts): #0072B2, then #D55E00. */
const BLUE = [0x00, 0x72, 0xb2] as const
const VERMILION = [0xd5, 0x5e, 0x00] as const

/**
 * Pixels on a chart's canvas in one series colour: axes and grid alone would also paint the
 * canvas, so only a curve itself counts as "not blank".
 */
function curvePixels(testId: string, rgb: readonly [number, number, number]): () => Promise<number> {
  return () =>
    page.evaluate(
      ([sel, [r, g, b]]) => {
        const c = (globalThis as unknown as PageGlobal).document.querySelector(sel)
        const data = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data
        if (!data) return 0
        let n = 0
        for (let i = 0; i < data.length; i += 4) {
          if (Math.abs(data[i]! - r) < 30 && Math.abs(data[i + 1]! - g) < 30 && Math.abs(data[i + 2]! - b) < 30 && data[i + 3]! > 128) n++
        }
        return n
      },
      [`[data-testid=${testId}] canvas`, rgb] as const,
    )
}

let firstRun = ''

describe('Training view', () => {
  it('trains a short run on the demo data set and shows its loss curve', { timeout: 240_000 }, async () => {
    firstRun = await trainDemoRun(s, 20)

    // This run's own row: runs other files left (6-step ones) are in the list too.
    const row = page.getByTestId(`run-row-${firstRun}`)
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('succeeded')
    await expect.poll(() => row.getByTestId('run-steps').textContent()).toBe('20 / 20')
    expect(await row.locator('td').nth(3).textContent()).toBe('demo / quadruped')
    await row.getByRole('button', { name: /^Show run / }).click()
    expect(await row.getAttribute('aria-selected')).toBe('true')
    // The form's device was the workspace's (auto), and the server's one adapter is SwiftShader, a software one: the CPU trained.
    expect(await page.getByTestId('run-device').textContent()).toBe('cpu')
    // Until its hybrid and the matcher are scored, the run page says how to learn whether the 3-D model helps.
    await expect
      .poll(() => page.getByTestId('run-gain').textContent(), { timeout: 10_000 })
      .toMatch(new RegExp(`^Does the 3-D model help on quadruped\\? Not scored yet: evaluate hybrid:${firstRun} and nn-\\w+ on the test split`))

    const chart = page.getByTestId('loss-chart')
    await chart.locator('canvas').waitFor()
    expect(Number(await chart.getAttribute('data-rows'))).toBeGreaterThan(0)
    await expect.poll(curvePixels('loss-chart', BLUE), { timeout: 10_000 }).toBeGreaterThan(100)
    // One legend entry per plotted loss key, total first.
    const legend = await chart.locator('.u-legend .u-series .u-label').allTextContents()
    expect(legend.slice(1)).toEqual(['total', 'view', 'feature', 'chamfer'])
    await s.screenshot('training')
  })

  it('overlays two runs\' loss curves in one chart, each named in the legend (the second articulated, with a batch, hypotheses, appearance weight and large steps of its own)', { timeout: 240_000 }, async () => {
    expect(firstRun).not.toBe('')
    const secondRun = await trainDemoRun(s, 30, { seed: 1, articulation: 2, batchSize: 6, hypotheses: 4, appearance: 0.5, largeSteps: 1 })
    expect(secondRun).toMatch(/^quadruped-semagic-art2-b6-h4-app0\.5-ls1-seed1-/)
    for (const id of [firstRun, secondRun]) await page.getByRole('checkbox', { name: `Compare run ${id}` }).check()
    // The pair is in the route, so a reload or a shared link shows the same comparison.
    expect(new URL(page.url()).hash).toContain(`compare=${encodeURIComponent(`${firstRun},${secondRun}`)}`)

    const panel = page.getByRole('region', { name: 'Compare runs' })
    const chart = panel.getByTestId('compare-chart')
    await chart.locator('canvas').waitFor()
    const legend = await chart.locator('.u-legend .u-series .u-label').allTextContents()
    expect(legend.slice(1)).toEqual([`${firstRun} (semagic, seed 0)`, `${secondRun} (semagic+art2+b6+h4+app0.5+ls1, seed 1)`])
    await expect.poll(curvePixels('compare-chart', BLUE), { timeout: 10_000 }).toBeGreaterThan(100)
    await expect.poll(curvePixels('compare-chart', VERMILION), { timeout: 10_000 }).toBeGreaterThan(100)

    // Another loss term replots both runs.
    expect(await panel.getByRole('combobox', { name: /^Loss/ }).locator('option').allTextContents()).toEqual(['total', 'view', 'feature', 'chamfer'])
    await panel.getByRole('combobox', { name: /^Loss/ }).selectOption('chamfer')
    await panel.getByRole('img', { name: 'chamfer loss versus step for two runs' }).waitFor()
    await expect.poll(curvePixels('compare-chart', VERMILION), { timeout: 10_000 }).toBeGreaterThan(100)
    await panel.scrollIntoViewIfNeeded()
    await s.screenshot('training-compare')
  })

  it('imports run folders by path: a finished run comes in, a bad path is refused with its reason', { timeout: 60_000 }, async () => {
    expect(firstRun).not.toBe('')
    const form = page.getByRole('form', { name: 'Import run folders' })
    await form.getByLabel(/^Run folders/).fill(`${join(inject('dataDir'), 'runs', firstRun)}\nrelative/run`)
    await form.getByRole('button', { name: 'Import run folders' }).click()
    await expect.poll(() => form.getByRole('status').textContent(), { timeout: 15_000 }).toBe('1 imported, 1 refused')
    expect(await form.getByRole('alert').textContent()).toContain('relative/run: give the folder as an absolute path')
    await expect.poll(() => page.getByTestId(`run-row-${firstRun}`).getAttribute('data-status')).toBe('succeeded')
  })

  it('logged no errors (CSP violations included)', () => {
    expect(s.errors).toEqual([])
  })
})
