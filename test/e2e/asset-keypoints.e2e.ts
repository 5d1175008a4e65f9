import { copyFileSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-dir'
import { meshPixels } from './mesh-pixels'
import { openStudio } from './studio-page'
import type { StudioPage } from './studio-page'

const FOX = resolve(__dirname, '../../resources/assets/fox/Fox.glb')
const FOX_KEYPOINTS = resolve(__dirname, '../../resources/assets/fox/Fox.keypoints.json')

let s: StudioPage
let page: Page
const temp = tempDir('semagic-e2e-asset-')
beforeAll(async () => {
  s = await openStudio()
  page = s.page
})
afterAll(async () => {
  await s?.browser.close()
  temp.remove()
})

describe('keypoints of an asset (Meshes view)', () => {
  it('opens a .glb with its keypoint file, names a clicked vertex and saves the file beside the asset', { timeout: 120_000 }, async () => {
    const asset = join(temp.path, 'Fox.glb')
    copyFileSync(FOX, asset)
    copyFileSync(FOX_KEYPOINTS, join(temp.path, 'Fox.keypoints.json'))
    await s.goto('#/meshes')
    await page.getByRole('group', { name: 'Mode' }).getByRole('button', { name: 'keypoints of an asset' }).click()
    const open = page.getByRole('form', { name: 'Open an asset' })
    await open.getByLabel(/Asset \(\.glb/).fill(asset)
    await open.getByRole('button', { name: 'Open' }).click()
    const canvas = page.getByTestId('mesh-canvas')
    await canvas.locator('canvas').waitFor({ timeout: 30_000 })
    expect(await canvas.getAttribute('aria-label')).toBe('3-D view: Fox.glb in its rest pose')
    // A click only picks once the fox is drawn and the page has stopped moving: the shipped
    // keypoint file's 15 rows arrive after the mesh and push the view about.
    const rows = page.getByTestId('asset-keypoints').locator('tbody tr')
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(15)
    await expect.poll(async () => (await meshPixels(page)).painted, { timeout: 30_000 }).toBeGreaterThan(5000)

    // A click on the fox, well inside its outline and near the middle of the view, lands on a vertex of it.
    // In full runs under load a single click has missed now and then (alone, under load, it landed 3 of 3
    // times; the cause was not caught), so each try reads the frame and the canvas box afresh: a view that
    // redrew or moved in between is clicked where the fox is now.
    const picked = page.getByTestId('asset-picked-vertex')
    const pickOnce = async (): Promise<boolean> => {
      const [fx, fy] = (await meshPixels(page)).nearCentre!
      const box = (await canvas.locator('canvas').boundingBox())!
      await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height)
      return picked
        .getByText(/^Picked vertex/)
        .waitFor({ timeout: 3_000 })
        .then(() => true)
        .catch(() => false)
    }
    let tries = 1
    while (!(await pickOnce()) && tries < 5) tries++
    expect(await picked.textContent()).toMatch(/^Picked vertex \d+ of “fox1” primitive 0$/)
    const vertex = Number(/vertex (\d+)/.exec((await picked.textContent())!)![1])
    expect(vertex).toBeLessThan(1728)

    const naming = page.getByRole('form', { name: 'Name the picked vertex' })
    await naming.getByLabel('Keypoint name').fill('Withers')
    await naming.getByRole('button', { name: 'Name it' }).click()
    await page.getByText(/a keypoint name uses lower-case letters/).waitFor()
    await naming.getByLabel('Keypoint name').fill('withers')
    await naming.getByRole('button', { name: 'Name it' }).click()
    // The shipped file's 15 keypoints were loaded; the new one is id 15, and the eyes are mirror twins.
    await expect.poll(() => rows.count()).toBe(16)
    expect(await rows.nth(15).textContent()).toContain(`withers${vertex}`)
    expect(await rows.nth(1).textContent()).toContain('left_eye ↔ right_eye419')

    await page.getByRole('button', { name: 'Save keypoints' }).click()
    await page.getByTestId('keypoints-saved').waitFor({ timeout: 10_000 })
    const saved = JSON.parse(readFileSync(join(temp.path, 'Fox.keypoints.json'), 'utf8')) as { keypoints: unknown[]; mirror: Record<string, string>; credits: string[] }
    expect(saved).toMatchObject({ asset: 'Fox.glb', mesh: 'fox1', primitive: 0, category: 'fox' })
    expect(saved.keypoints).toHaveLength(16)
    expect(saved.keypoints[15]).toEqual({ name: 'withers', vertex })
    expect(saved.mirror.left_eye).toBe('right_eye')
    expect(saved.credits.join(' ')).toContain('CC-BY 4.0')
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0))
    await s.screenshot('asset-keypoints')
    expect(s.errors).toEqual([])
  })

  it('makes the fox benchmark from the Data sets view as a job and opens it', { timeout: 120_000 }, async () => {
    await s.goto('#/datasets')
    await page.getByText('Make a benchmark from a 3-D asset (the fox)…').click()
    const form = page.getByRole('form', { name: 'Make a benchmark from a 3-D asset' })
    await form.getByLabel('Name').fill('fox-e2e')
    await form.getByLabel('Images').fill('8')
    await form.getByRole('button', { name: 'Make the fox benchmark' }).click()
    const result = page.getByTestId('make-result')
    await result.waitFor({ timeout: 90_000 })
    expect(await result.textContent()).toMatch(/^fox-e2e: 8 images of fox \(trn 4, val 2, test 2\), \d+ pairs, 15 keypoints, from Fox\.glb\.$/)
    expect(s.errors).toEqual([])
  })
})
