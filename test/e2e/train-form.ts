import type { StudioPage } from './studio-page'

/** What the form helpers need of a studio page; the frame-time benchmark builds one without Vitest. */
export type StudioNav = Pick<StudioPage, 'page' | 'goto'>

function runParam(url: string): string | null {
  const hash = new URL(url).hash
  return new URLSearchParams(hash.slice(hash.indexOf('?') + 1)).get('run')
}

/** The Training form's settings a test may change from the form's defaults. */
export interface DemoRunOptions {
  seed?: number
  articulation?: number
  batchSize?: number
  hypotheses?: number
  appearance?: number
  largeSteps?: number
}

/**
 * Starts a run of the demo's quadruped with the handmade backbone from the Training form, as a
 * user would, and returns its id once the view has selected it. The server generates `demo` in
 * the background at start, so the form is reloaded until datasets.list has it. No Vitest here:
 * bench/ui-frames.bench.ts starts its runs with it too.
 */
export async function startDemoRun(s: StudioNav, steps: number, { seed = 0, articulation = 0, batchSize = 24, hypotheses = 8, appearance = 0, largeSteps = 0 }: DemoRunOptions = {}): Promise<string> {
  const { page } = s
  await s.goto('#/training')
  const form = page.getByRole('form', { name: 'Start training' })
  const demo = form.getByLabel('Data set').locator('option', { hasText: /^demo$/ })
  for (const deadline = Date.now() + 120_000; (await demo.count()) === 0; ) {
    if (Date.now() > deadline) throw new Error('the demo data set did not appear in the Training form within 120 s')
    await page.waitForTimeout(2000)
    await page.reload()
  }
  await form.getByLabel('Data set').selectOption('demo')
  await form.getByLabel('Category').locator('option', { hasText: /^quadruped$/ }).waitFor({ state: 'attached' })
  await form.getByLabel('Category').selectOption('quadruped')
  await form.getByLabel('Backbone').fill('handmade')
  await form.getByLabel('Steps', { exact: true }).fill(String(steps))
  await form.getByLabel('Seed').fill(String(seed))
  await form.getByLabel('Articulated parts').fill(String(articulation))
  await form.getByLabel('Batch size').fill(String(batchSize))
  await form.getByLabel('Camera hypotheses').fill(String(hypotheses))
  await form.getByLabel('Appearance weight').fill(String(appearance))
  await form.getByLabel('Large steps').fill(String(largeSteps))
  const before = runParam(page.url())
  await form.getByRole('button', { name: 'Train' }).click()
  // The view selects the new run in the route as soon as train.start answers.
  for (const deadline = Date.now() + 30_000; ; await page.waitForTimeout(100)) {
    const runId = runParam(page.url())
    if (runId !== null && runId !== before) return runId
    if (Date.now() > deadline) throw new Error('the Training view selected no new run within 30 s of Train')
  }
}

/** Like startDemoRun, then waits for the run's job to succeed. */
export async function trainDemoRun(s: StudioNav, steps: number, options: DemoRunOptions = {}): Promise<string> {
  const runId = await startDemoRun(s, steps, options)
  await s.page.getByRole('form', { name: 'Start training' }).locator('[data-testid=job-progress][data-status=succeeded]').waitFor({ timeout: 180_000 })
  return runId
}
