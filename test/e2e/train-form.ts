import { expect } from 'vitest'
import type { StudioPage } from './studio-page'

/**
 * Starts a short run of the demo's quadruped with the handmade backbone from the Training form,
 * as a user would, and waits for it to succeed. The server generates `demo` in the background
 * at start, so the form is reloaded until datasets.list has it.
 */
export async function trainDemoRun(s: StudioPage, steps: number): Promise<void> {
  const { page } = s
  await s.goto('#/training')
  const form = page.getByRole('form', { name: 'Start training' })
  const demo = form.getByLabel('Data set').locator('option', { hasText: /^demo$/ })
  await expect
    .poll(
      async () => {
        if ((await demo.count()) > 0) return true
        await page.reload()
        return false
      },
      { timeout: 120_000, interval: 2000 },
    )
    .toBe(true)
  await form.getByLabel('Data set').selectOption('demo')
  await form.getByLabel('Category').locator('option', { hasText: /^quadruped$/ }).waitFor({ state: 'attached' })
  await form.getByLabel('Category').selectOption('quadruped')
  await form.getByLabel('Backbone').fill('handmade')
  await form.getByLabel('Steps').fill(String(steps))
  await form.getByRole('button', { name: 'Train' }).click()
  await form.locator('[data-testid=job-progress][data-status=succeeded]').waitFor({ timeout: 180_000 })
}
