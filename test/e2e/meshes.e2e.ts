import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { meshPixels as pixelsOf } from './mesh-pixels'
import { imagesLoaded, openStudio } from './studio-page'
import type { StudioPage } from './studio-page'
import { trainDemoRun } from './train-form'

let s: StudioPage
let page: Page
beforeAll(async () => {
  s = await openStudio()
  page = s.page
})
afterAll(async () => s?.browser.close())
const meshPixels = (): Promise<{ painted: number; sum: number }> => pixelsOf(page)

describe('Meshes view', () => {
  it('shows the canonical template of a trained run, recolours it and picks a vertex on click', { timeout: 300_000 }, async () => {
    await trainDemoRun(s, 6)
    await s.goto('#/meshes')
    const canvas = page.getByTestId('mesh-canvas')
    await canvas.locator('canvas').waitFor({ timeout: 30_000 })
    await expect.poll(async () => (await meshPixels()).painted, { timeout: 20_000 }).toBeGreaterThan(5000)
    const pca = await meshPixels()

    const colourBy = page.getByRole('group', { name: 'Colour by' })
    await colourBy.getByRole('button', { name: 'vertex index' }).click()
    expect(await colourBy.getByRole('button', { name: 'vertex index' }).getAttribute('aria-pressed')).toBe('true')
    await expect.poll(async () => (await meshPixels()).sum, { timeout: 10_000 }).not.toBe(pca.sum)
    expect(await page.getByTestId('colour-legend').textContent()).toBe('hue from vertex 0 (red) to vertex 641 (magenta)')

    // The template sits in the middle of the view: a click there lands on it.
    const box = (await canvas.boundingBox())!
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    const picked = page.getByTestId('picked-vertex')
    await picked.waitFor({ timeout: 10_000 })
    expect(await picked.textContent()).toMatch(/^vertex \d+$/)
    expect(Number((await picked.textContent())!.slice('vertex '.length))).toBeLessThan(642)
    expect(await page.getByTestId('vertex-feature').textContent()).toMatch(/^\[-?\d\.\d{3}(, -?\d\.\d{3}){7}, … \d+ more\]$/)
  })

  it('fits a source and a target image and shows them side by side, projected onto their images', { timeout: 120_000 }, async () => {
    const form = page.getByRole('form', { name: 'Choose meshes' })
    const options = await form.getByLabel('Source image').locator('option').allTextContents()
    expect(options.length).toBeGreaterThan(2)
    await form.getByLabel('Source image').selectOption(options[1]!)
    await form.getByLabel('Target image').selectOption(options[2]!)
    await page.locator('[data-testid=mesh-canvas][data-meshes="2"]').waitFor({ timeout: 90_000 })
    await page.getByRole('group', { name: 'Colour by' }).getByRole('button', { name: 'feature PCA' }).click()
    const overlays = page.getByTestId('mesh-overlay-canvas')
    await expect.poll(() => overlays.count(), { timeout: 30_000 }).toBe(2)
    await expect.poll(async () => (await meshPixels()).painted, { timeout: 20_000 }).toBeGreaterThan(5000)

    // The source's keypoints, each with the vertex it lands on: choosing one picks that vertex, which then carries it.
    const source = page.getByRole('group', { name: /^Keypoints of / }).first()
    const first = source.getByRole('button').first()
    const vertex = await first.getAttribute('data-vertex')
    const kp = (await first.textContent())!.trim().split('→')[0]
    await first.click()
    await expect.poll(async () => page.getByTestId('picked-vertex').textContent(), { timeout: 10_000 }).toBe(`vertex ${vertex}`)
    expect(await page.getByTestId('carried-keypoints').textContent()).toContain(`keypoint ${kp} of source`)

    // A click on the image picks the visible vertex projected nearest it.
    const other = source.getByRole('button').last()
    const [x, y] = [Number(await other.getAttribute('data-x')), Number(await other.getAttribute('data-y'))]
    const natural = await page.locator('.mesh-overlay img').first().evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)
    const ob = (await overlays.first().boundingBox())!
    await page.mouse.click(ob.x + (x * ob.width) / natural, ob.y + (y * ob.width) / natural)
    await expect.poll(async () => page.getByTestId('picked-vertex').textContent(), { timeout: 10_000 }).toBe(`vertex ${await other.getAttribute('data-vertex')}`)
    // Tall enough for the 3-D view and the projected meshes in one picture.
    await page.setViewportSize({ width: 1400, height: 1100 })
    await page.locator('main').evaluate((el) => el.scrollTo(0, 0))
    await imagesLoaded(page, '.mesh-overlay img')
    await expect.poll(async () => (await meshPixels()).painted, { timeout: 20_000 }).toBeGreaterThan(5000)
    await s.screenshot('meshes')
  })

  it('logged no errors (CSP violations included)', () => {
    expect(s.errors).toEqual([])
  })
})
