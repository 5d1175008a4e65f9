import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { imagesLoaded, openStudio } from './studio-page'
import type { StudioPage } from './studio-page'

let s: StudioPage
let page: Page
beforeAll(async () => {
  s = await openStudio()
  page = s.page
})
afterAll(async () => s?.browser.close())

// bicycle/2010_000004, the first image of the fixture; keypoint 1 is at (57, 68) in the JSON.
const FIRST = '#/annotate?ds=fixture&i=0'
const kpAt = async (id: number): Promise<[number, number]> => {
  const kp = page.getByTestId(`kp-${id}`)
  return [Number(await kp.getAttribute('data-x')), Number(await kp.getAttribute('data-y'))]
}
const center = async (testId: string): Promise<{ x: number; y: number }> => {
  const box = (await page.getByTestId(testId).locator('circle').last().boundingBox())!
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
}

describe('Annotate view', () => {
  it('is where the navigation entry leads, on the first image of a data set', async () => {
    await s.goto('#/datasets?ds=fixture')
    await page.getByRole('navigation', { name: 'Studio areas' }).getByRole('link', { name: 'Annotate' }).click()
    await page.getByRole('heading', { name: 'Annotate' }).waitFor()
    await s.goto(FIRST)
    await expect.poll(() => page.getByTestId('image-title').textContent()).toBe('bicycle/2010_000004')
    await imagesLoaded(page, '[data-testid=stage-image]')
    expect(await kpAt(1)).toEqual([57, 68])
  })

  it('saves a dragged keypoint, shows it after a reload, and Ctrl+Z puts it back', async () => {
    const from = await center('kp-1')
    await page.mouse.move(from.x, from.y)
    await page.mouse.down()
    await page.mouse.move(from.x + 20, from.y + 10, { steps: 4 })
    await page.mouse.move(from.x + 40, from.y + 30, { steps: 4 })
    await page.mouse.up()
    const history = page.getByTestId('history')
    await history.getByText(/move keypoint 1 of bicycle\/2010_000004/).waitFor()
    await expect.poll(() => page.getByTestId('undo').textContent()).toContain('Undo: move keypoint 1')

    await page.reload()
    await page.getByTestId('kp-1').waitFor()
    const [x, y] = await kpAt(1)
    expect(x).toBeGreaterThan(57 + 5)
    expect(y).toBeGreaterThan(68 + 5)
    expect(await page.getByTestId('kp-1').getAttribute('data-edited')).toBe('true')
    await s.screenshot('annotate')

    await page.getByTestId('undo').waitFor({ state: 'visible' })
    await expect.poll(() => page.getByTestId('undo').isEnabled()).toBe(true)
    await page.keyboard.press('Control+z')
    await expect.poll(() => kpAt(1)).toEqual([57, 68])
    expect(await page.getByTestId('kp-1').getAttribute('data-edited')).toBe('false')
    await expect.poll(() => history.locator('li').first().getAttribute('data-state')).toBe('undone')
    await expect.poll(() => page.getByTestId('redo').textContent()).toContain('Redo: move keypoint 1')
  })

  it('deletes the selected keypoint with Delete, toggles visibility with V, and undoes both', async () => {
    await page.getByTestId('kp-button-3').click()
    await page.keyboard.press('v')
    await expect.poll(() => page.getByTestId('kp-3').getAttribute('data-visible')).toBe('false')
    await page.keyboard.press('Delete')
    await expect.poll(() => page.getByTestId('kp-3').count()).toBe(0)
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.getByTestId('kp-3').getAttribute('data-visible')).toBe('false')
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.getByTestId('kp-3').getAttribute('data-visible')).toBe('true')
  })

  it('adds a missing keypoint where the image is clicked', async () => {
    await page.getByTestId('kp-button-4').click()
    const stage = (await page.getByTestId('image-stage').boundingBox())!
    await page.mouse.click(stage.x + stage.width / 2, stage.y + stage.height / 2)
    await page.getByTestId('kp-4').waitFor()
    await page.getByTestId('history').getByText(/add keypoint 4/).waitFor()
    await expect.poll(() => page.getByTestId('undo').textContent()).toContain('Undo: add keypoint 4')
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.getByTestId('kp-4').count()).toBe(0)
  })

  it('copies the previous image’s keypoints in one undoable gesture', async () => {
    await page.keyboard.press('j')
    await expect.poll(() => page.getByTestId('image-title').textContent()).toBe('bicycle/2010_000005')
    await page.getByTestId('kp-0').waitFor()
    const before = await page.locator('[data-kp]').count()
    await page.getByRole('button', { name: 'Copy keypoints from previous image' }).click()
    await page.getByTestId('history').getByText(/copy keypoints from 2010_000004/).waitFor()
    await expect.poll(() => page.locator('[data-kp]').count()).toBeGreaterThan(before)
    await expect.poll(() => page.getByTestId('undo').textContent()).toContain('Undo: copy keypoints')
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.locator('[data-kp]').count()).toBe(before)
  })

  it('lists every shortcut on ?', async () => {
    await page.keyboard.press('?')
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await dialog.waitFor()
    await expect(dialog.getByText('Ctrl+Shift+Z or Ctrl+Y').count()).resolves.toBe(1)
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
  })

  it('walks only the images its filter menus (the grid\'s filters) let through', async () => {
    await s.goto(FIRST)
    await expect.poll(() => page.getByTestId('image-title').textContent()).toBe('bicycle/2010_000004')
    const filters = page.locator('[aria-label="Image filters"]')
    await filters.getByLabel('Category', { exact: true }).selectOption('cat')
    await expect.poll(() => page.getByTestId('image-title').textContent()).toBe('cat/2008_000001')
    await expect.poll(() => page.getByTestId('image-position').textContent()).toBe('1 / 3')

    await page.getByLabel('New tag').fill('filtered')
    await page.getByRole('button', { name: 'Tag', exact: true }).click()
    await page.getByRole('button', { name: 'remove tag filtered' }).waitFor()
    await expect.poll(() => filters.getByLabel('Tag', { exact: true }).locator('option').allTextContents()).toEqual(['any', 'filtered (1)'])
    await filters.getByLabel('Tag', { exact: true }).selectOption('filtered')
    await expect.poll(() => page.getByTestId('image-position').textContent()).toBe('1 / 1')
    expect(new URL(page.url()).hash).toContain('tag=filtered')
    await expect(page.getByRole('button', { name: 'Next →' }).isDisabled()).resolves.toBe(true)

    // Undo the tag: the image being edited stays on screen, marked as no longer matching, the menu
    // still offers the chosen tag with its new count, and the fixture is as it was.
    await page.getByTestId('undo').click()
    await expect.poll(() => page.getByRole('button', { name: 'remove tag filtered' }).count()).toBe(0)
    await page.getByTestId('left-filters').waitFor()
    await expect.poll(() => filters.getByLabel('Tag', { exact: true }).locator('option').allTextContents()).toEqual(['any', 'filtered (0)'])
    await filters.getByLabel('Tag', { exact: true }).selectOption('')
    await expect.poll(() => page.getByTestId('image-position').textContent()).toBe('1 / 3')
  })

  it('keeps an image an edit took out of the filtered list, and J goes on to the one that moved up', async () => {
    const title = (): Promise<string | null> => page.getByTestId('image-title').textContent()
    const position = (): Promise<string | null> => page.getByTestId('image-position').textContent()
    await s.goto('#/annotate?ds=fixture&i=0&edited=false')
    await expect.poll(title).toBe('bicycle/2010_000004')
    await expect.poll(position).toBe('1 / 6')
    await imagesLoaded(page, '[data-testid=stage-image]')
    const from = await center('kp-1')
    await page.mouse.move(from.x, from.y)
    await page.mouse.down()
    await page.mouse.move(from.x + 30, from.y + 20, { steps: 4 })
    await page.mouse.up()
    // Edited now: out of the "as imported" list, but still the image on screen.
    await page.getByTestId('left-filters').waitFor()
    await expect.poll(position).toBe('1 / 5')
    expect(await title()).toBe('bicycle/2010_000004')
    await page.keyboard.press('j')
    await expect.poll(title).toBe('bicycle/2010_000005')
    await expect.poll(position).toBe('1 / 5')
    expect(await page.getByTestId('left-filters').count()).toBe(0)
    // Undo puts 2010_000004 back before it: the image on screen follows its own place in the list.
    await page.getByTestId('undo').click()
    await expect.poll(position).toBe('2 / 6')
    expect(await title()).toBe('bicycle/2010_000005')
    await page.keyboard.press('k')
    await expect.poll(title).toBe('bicycle/2010_000004')
    expect(await page.getByTestId('kp-1').getAttribute('data-edited')).toBe('false')
  })

  it('logged no errors (CSP violations included)', () => {
    expect(s.errors).toEqual([])
  })
})
