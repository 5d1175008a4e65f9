import type { Page } from 'playwright-core'
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { writeCubFixture } from '../helpers/format-fixtures'
import { MANY_IMAGES } from './many-images'
import { imagesLoaded, importFixtureThroughForm, openStudio } from './studio-page'
import type { StudioPage } from './studio-page'

let s: StudioPage
let page: Page
beforeAll(async () => {
  s = await openStudio()
  page = s.page
})
afterAll(async () => s?.browser.close())

describe('Data sets view', () => {
  it('lists the imported fixture with its 6 images', async () => {
    await s.goto('#/datasets')
    const row = page.getByTestId('dataset-fixture')
    await row.waitFor()
    expect(await row.getByTestId('dataset-images').textContent()).toBe('6')
    await expect(page.getByRole('table', { name: 'Data sets' }).getByRole('link', { name: 'many', exact: true }).count()).resolves.toBe(1)
  })

  it('shows the thumbnails of the selected data set, loaded from /media', async () => {
    await s.goto('#/datasets?ds=fixture')
    await expect.poll(() => page.getByTestId('grid-count').textContent()).toBe('6 images')
    const widths = await imagesLoaded(page, '[data-testid=thumb] img', 6)
    expect(widths).toHaveLength(6)
    expect(Math.min(...widths)).toBeGreaterThan(0)
  })

  it('opens the image view with numbered, coloured keypoints, the box and the mask', async () => {
    await page.getByTestId('thumb').first().click()
    await expect.poll(() => page.getByTestId('image-title').textContent()).toBe('bicycle/2010_000004')
    await imagesLoaded(page, '[data-testid=stage-image]')
    // bicycle/2010_000004 has keypoints 0, 1, 3, 10 and 13 in the fixture.
    for (const id of [0, 1, 3, 10, 13]) {
      await expect(page.getByTestId(`kp-${id}`).locator('text').textContent()).resolves.toBe(String(id))
    }
    expect(await page.getByTestId('kp-0').locator('circle').last().getAttribute('fill')).not.toBe(
      await page.getByTestId('kp-1').locator('circle').last().getAttribute('fill'),
    )
    await expect(page.getByTestId('bbox').getAttribute('data-bbox')).resolves.toBe('20,15,300,225')
    // The mask is drawn into a canvas of the image's size once the PNG has decoded.
    await expect.poll(() => page.getByTestId('mask-canvas').evaluate((c) => (c as unknown as { width: number }).width)).toBe(320)
    await s.screenshot('image-view')
    await page.keyboard.press('j')
    await expect.poll(() => page.getByTestId('image-title').textContent()).toBe('bicycle/2010_000005')
    await page.keyboard.press('Escape')
    await page.getByTestId('image-grid').waitFor()
  })

  it('lists the pairs and filters them by split and flag', async () => {
    await page.getByRole('tab', { name: 'Pairs' }).click()
    await expect.poll(() => page.getByTestId('pair-row').count()).toBe(8)
    await page.getByLabel('Split').selectOption('test')
    await expect.poll(() => page.getByTestId('pair-row').count()).toBe(4)
    await page.getByLabel('occlusion').selectOption('3')
    await expect.poll(() => page.getByTestId('pairs-count').textContent()).toBe('1 pair')
    await s.screenshot('pairs')
    // The pair opens with its own keypoint rows on both images, matched by id.
    await page.getByTestId('pair-row').first().click()
    await expect.poll(() => page.getByTestId('pair-title').textContent()).toBe('000005-2010_000005-2010_000004:bicycle')
    await expect.poll(() => page.locator('[data-testid=image-stage] [data-kp]').count()).toBe(8)
    await imagesLoaded(page, '[data-testid=stage-image]')
    await s.screenshot('pair-view')

    // Excluded from evaluation here, in one undoable gesture; the list marks it until Undo.
    const excludeBox = page.getByRole('checkbox', { name: 'Exclude this pair from evaluation' })
    await excludeBox.click()
    await expect.poll(() => excludeBox.isChecked()).toBe(true)
    await expect.poll(() => page.getByTestId('pair-excluded-badge').textContent()).toBe('excluded from evaluation')
    await expect.poll(() => page.getByTestId('undo').textContent()).toContain('exclude pair test/000005-2010_000005-2010_000004:bicycle')
    await page.getByRole('button', { name: '← Pairs' }).click()
    await expect.poll(() => page.getByTestId('pair-row').first().textContent()).toContain('excluded')
    await page.getByTestId('pair-row').first().click()
    await expect.poll(() => page.getByTestId('undo').isEnabled()).toBe(true)
    await page.keyboard.press('Control+z')
    await expect.poll(() => excludeBox.isChecked()).toBe(false)
    await expect.poll(() => page.getByTestId('pair-excluded-badge').count()).toBe(0)
    await page.getByRole('button', { name: '← Pairs' }).click()
    await page.getByTestId('pairs-scroll').waitFor()
    await expect.poll(() => page.getByTestId('pair-row').first().textContent()).not.toContain('excluded')
  })

  it(`keeps the grid virtual and smooth with ${MANY_IMAGES} images`, async () => {
    await s.goto('#/datasets?ds=many')
    await expect.poll(() => page.getByTestId('grid-count').textContent()).toBe(`${MANY_IMAGES} images`)
    await imagesLoaded(page, '[data-testid=thumb] img')
    const rendered = await page.getByTestId('thumb').count()
    expect(rendered).toBeGreaterThan(0)
    expect(rendered).toBeLessThan(120)
    // Scroll through the whole list as a user flicking the wheel would, timing every frame.
    const frames = await page.getByTestId('image-grid').evaluate(async (node) => {
      type Scroller = { scrollTop: number; clientHeight: number; scrollHeight: number }
      type Clock = { performance: { now(): number }; requestAnimationFrame(cb: () => void): void }
      const el = node as unknown as Scroller
      const w = globalThis as unknown as Clock
      const times: number[] = []
      let last = w.performance.now()
      while (el.scrollTop + el.clientHeight < el.scrollHeight - 1) {
        el.scrollTop += 400
        await new Promise<void>((r) => w.requestAnimationFrame(r))
        const now = w.performance.now()
        times.push(now - last)
        last = now
      }
      return times
    })
    frames.sort((a, b) => a - b)
    const p90 = frames[Math.floor(frames.length * 0.9)]!
    console.log(`grid scroll: ${frames.length} frames, median ${frames[frames.length >> 1]!.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms`)
    expect(p90).toBeLessThan(50)
    await expect(page.getByTestId('thumb').count()).resolves.toBeLessThan(120)
    // Sorted by category then stem: the copies of cat images come last, many_001997 at the end.
    await page.getByTitle(/^cat\/many_001997:/).waitFor()
    await imagesLoaded(page, '[data-testid=thumb] img')
  })

  it('filters by tag and exclusion, saves the filters as a named view, and applies it after a reload', async () => {
    // Curation first, in the annotator: two images tagged, one of them excluded.
    for (const [i, title] of [[0, 'bicycle/2010_000004'], [3, 'cat/2008_000001']] as const) {
      await s.goto(`#/annotate?ds=fixture&i=${i}`)
      await expect.poll(() => page.getByTestId('image-title').textContent()).toBe(title)
      await page.getByLabel('New tag').fill('review')
      await page.getByRole('button', { name: 'Tag', exact: true }).click()
      await page.getByRole('button', { name: 'remove tag review' }).waitFor()
    }
    const excludedBox = page.getByRole('checkbox', { name: /Excluded from exports/ })
    // Checked only once the edit is stored (the box shows curation's state): click, then wait for it.
    await excludedBox.click()
    await expect.poll(() => excludedBox.isChecked()).toBe(true)
    await expect.poll(() => page.getByTestId('undo').textContent()).toContain('Undo: exclude cat/2008_000001')

    await s.goto('#/datasets?ds=fixture')
    const count = page.getByTestId('grid-count')
    const tag = page.getByLabel('Tag', { exact: true })
    const excluded = page.getByLabel('Excluded', { exact: true })
    await expect.poll(() => count.textContent()).toBe('6 images')
    await expect.poll(() => tag.locator('option').allTextContents()).toEqual(['any', 'review (2)'])
    await tag.selectOption('review')
    await expect.poll(() => count.textContent()).toBe('2 images')
    await excluded.selectOption('false')
    await expect.poll(() => count.textContent()).toBe('1 image')
    await expect(page.getByTestId('thumb').getAttribute('title')).resolves.toMatch(/^bicycle\/2010_000004:/)

    const views = page.getByRole('region', { name: 'Saved views' })
    const name = views.getByLabel('View name')
    await name.fill(' To review')
    await views.getByRole('button', { name: 'Save view' }).click()
    await expect(views.getByRole('alert').textContent()).resolves.toContain('a view name does not start or end with a space')
    await name.fill('To review')
    await views.getByRole('button', { name: 'Save view' }).click()
    const chip = views.getByRole('button', { name: 'To review', exact: true })
    await expect.poll(() => chip.getAttribute('aria-current')).toBe('true')
    await expect(views.getByRole('alert').count()).resolves.toBe(0)

    // A fresh page with no filters: the view comes back from the workspace, not from memory.
    await s.goto('#/datasets?ds=fixture')
    await page.reload()
    await expect.poll(() => count.textContent()).toBe('6 images')
    await chip.waitFor()
    expect(await chip.getAttribute('aria-current')).toBeNull()
    await imagesLoaded(page, '[data-testid=thumb] img')
    await s.screenshot('datasets')
    await chip.click()
    await expect.poll(() => count.textContent()).toBe('1 image')
    await expect(page.getByTestId('thumb').getAttribute('title')).resolves.toMatch(/^bicycle\/2010_000004:/)
    await expect(tag.inputValue()).resolves.toBe('review')
    await expect(excluded.inputValue()).resolves.toBe('false')
    expect(new URL(page.url()).hash).toContain('tag=review&excluded=false')
    await expect.poll(() => chip.getAttribute('aria-current')).toBe('true')

    await views.getByRole('button', { name: 'delete view To review' }).click()
    await views.getByText('none saved').waitFor()

    // The pairs evaluation now skips are those with the excluded image, each marked as such.
    await s.goto('#/datasets?ds=fixture&tab=pairs')
    const rows = page.getByTestId('pair-row')
    const rowTexts = (): Promise<string[]> => rows.allTextContents()
    await expect.poll(async () => (await rowTexts()).length).toBe(8)
    await page.getByLabel('Excluded', { exact: true }).selectOption('true')
    const marked = (texts: string[]): boolean => texts.length > 0 && texts.every((t) => t.includes('excluded') && t.includes('2008_000001'))
    await expect.poll(async () => marked(await rowTexts())).toBe(true)
    const skipped = (await rowTexts()).length
    await page.getByLabel('Excluded', { exact: true }).selectOption('false')
    await expect.poll(async () => (await rowTexts()).length).toBe(8 - skipped)
    expect((await rowTexts()).some((t) => t.includes('2008_000001') || t.includes('excluded'))).toBe(false)
    // Put the fixture back as it was for the other suites: undo the three gestures.
    await s.goto('#/annotate?ds=fixture&i=0')
    for (const label of ['exclude cat/2008_000001', 'tag cat/2008_000001', 'tag bicycle/2010_000004']) {
      await expect.poll(() => page.getByTestId('undo').textContent()).toContain(label)
      await page.getByTestId('undo').click()
    }
    await expect.poll(() => page.getByTestId('undo').isDisabled()).toBe(true)
  })

  it('imports an SPair folder from the form, with progress and a summary', async () => {
    await s.goto('#/datasets?ds=fixture')
    const form = await importFixtureThroughForm(page, 'fixture-again')
    await expect(form.getByTestId('import-result').textContent()).resolves.toContain('0 warnings')
    await page.getByTestId('dataset-fixture-again').waitFor()
  })

  it('imports a CUB-200-2011 folder from the form with its sampling, and browses it', async () => {
    // Inside the server's workspace, which outlives this file: the set stays in the index for the
    // files after this one, and its images must still be there when their views list it.
    const dir = mkdtempSync(join(inject('dataDir'), 'cub-fixture-'))
    await s.goto('#/datasets?ds=fixture')
    const form = page.getByRole('form', { name: 'Import data set folder' })
    // The SPair import above may have left the form open.
    if (!(await form.isVisible())) await page.getByText('Import a data set folder', { exact: false }).click()
    await form.getByLabel('Format').selectOption('cub')
    await form.getByLabel('Folder').fill(writeCubFixture(dir))
    await form.getByLabel('Name').fill('cub-e2e')
    await form.getByLabel('Pairs per species').fill('3')
    await form.getByLabel('Val share of train').fill('0.5')
    await form.getByRole('button', { name: 'Import' }).click()
    const summary = form.getByTestId('import-result')
    await expect(summary.textContent()).resolves.toMatch(/cub-e2e imported .* 14 images in 1 categories, 10 pairs \(trn 0, val 4, test 6\)/)
    await expect(summary.textContent()).resolves.toContain('seed 0: 3 pairs per species')
    await s.goto('#/datasets?ds=cub-e2e')
    await expect.poll(() => page.getByTestId('grid-count').textContent()).toBe('14 images')
  })

  it('logged no errors (CSP violations included)', () => {
    expect(s.errors).toEqual([])
  })
})
