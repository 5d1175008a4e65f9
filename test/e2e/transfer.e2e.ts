import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { MANY_PAIRS, makeManyPairs } from './many-pairs'
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

/** A call over the page's own socket (its cookie holds the token), bypassing the view: what the service says. */
async function direct<T>(channel: string, payload: unknown): Promise<T> {
  const frame = await page.evaluate(
    ([host, channel, payload]) =>
      new Promise<{ result: { ok: boolean; value?: unknown; error?: unknown } }>((resolve) => {
        const ws = new WebSocket(`ws://${host}/ws`)
        ws.onopen = () => ws.send(JSON.stringify({ type: 'call', id: 1, channel, payload }))
        ws.onmessage = (m) => {
          const f = JSON.parse(String(m.data)) as { type: string; id: number; result: { ok: boolean } }
          if (f.type === 'result' && f.id === 1) {
            ws.close()
            resolve(f as never)
          }
        }
      }),
    [new URL(s.origin).host, channel, payload] as const,
  )
  if (!frame.result.ok) throw new Error(`${channel}: ${JSON.stringify(frame.result.error)}`)
  return frame.result.value as T
}

/** Waits for a job started over `direct` to succeed. */
async function jobDone(jobId: string, timeout: number): Promise<void> {
  await expect.poll(async () => (await direct<{ status: string }>('jobs.get', { id: jobId })).status, { timeout, interval: 1000 }).toBe('succeeded')
}

/** Painted (non-transparent) pixels and distinct colours of the heatmap canvas. */
async function heatmapPixels(): Promise<{ painted: number; colours: number }> {
  return page.evaluate(() => {
    const c = (globalThis as unknown as PageGlobal).document.querySelector('[data-testid=heatmap-canvas]')
    const data = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data
    if (!data) return { painted: 0, colours: 0 }
    let painted = 0
    const colours = new Set<number>()
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 0) painted++
      colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!)
    }
    return { painted, colours: colours.size }
  })
}

/** Where an image point of a stage is on the page: the zoomed layer's transform, read back from the DOM. */
async function pageXy(stage: Locator, x: number, y: number): Promise<[number, number]> {
  const transform = await stage.locator('.stage-layer').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform)
  const m = /translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([-\d.e]+)\)/.exec(transform)
  if (!m) throw new Error(`unexpected transform ${transform}`)
  const box = (await stage.boundingBox())!
  const [tx, ty, sc] = [Number(m[1]), Number(m[2]), Number(m[3])]
  return [box.x + x * sc + tx, box.y + y * sc + ty]
}

async function centre(l: Locator): Promise<[number, number]> {
  const b = (await l.boundingBox())!
  return [b.x + b.width / 2, b.y + b.height / 2]
}

type PairPage = { total: number; items: { name: string; pck: number; meanNormError: number | null }[] }
type Answer = { predictions: ([number, number] | null)[]; heatmaps: { values: number[] }[] | null }

describe('Transfer view', () => {
  it('evaluates nn-handmade on the fixture from Reports (the pair list sorts by its errors)', async () => {
    await s.goto('#/reports')
    const form = page.getByRole('form', { name: 'Run evaluation' })
    await form.getByLabel('Data set').selectOption('fixture')
    await form.getByLabel('Method').fill('nn-handmade')
    await form.getByRole('button', { name: 'Evaluate' }).click()
    await form.locator('[data-testid=job-progress][data-status=succeeded]').waitFor({ timeout: 45_000 })
  })

  it('lists the pairs worst first and sorts them by error', async () => {
    await s.goto('#/transfer?ds=fixture&split=test')
    const rows = page.locator('[data-testid^=pair-row-]')
    await page.getByTestId('pair-list-summary').waitFor()
    await expect.poll(() => rows.count()).toBe(4)
    const service = await direct<PairPage>('eval.pairs', { dataset: 'fixture', split: 'test', method: 'nn-handmade' })
    const shown = await rows.evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { testid: string } }).dataset.testid))
    expect(shown).toEqual(service.items.map((p) => `pair-row-${p.name}`))
    const pcks = (await rows.evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { pck: string } }).dataset.pck))).map(Number)
    expect(pcks).toEqual([...pcks].sort((a, b) => a - b))

    await page.getByRole('table', { name: 'Pairs' }).getByRole('button', { name: 'error' }).click()
    await expect.poll(() => page.getByRole('columnheader', { name: /error/ }).getAttribute('aria-sort')).toBe('descending')
    const byError = await direct<PairPage>('eval.pairs', { dataset: 'fixture', split: 'test', method: 'nn-handmade', sort: 'error', descending: true })
    await expect
      .poll(() => rows.evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { testid: string } }).dataset.testid)))
      .toEqual(byError.items.map((p) => `pair-row-${p.name}`))
    const errors = (await rows.evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { error: string } }).dataset.error))).map((e) =>
      e === 'missing' ? Infinity : Number(e),
    )
    expect(errors).toEqual([...errors].sort((a, b) => b - a))
  })

  it('transfers a clicked source keypoint: the prediction is drawn where the service puts it, with heatmap and GT circle', async () => {
    const first = page.locator('[data-testid^=pair-row-]').first()
    const name = (await first.getAttribute('data-testid'))!.slice('pair-row-'.length)
    await first.click()
    await expect.poll(() => page.getByTestId('transfer-pair').textContent()).toContain(name)
    expect(await first.getAttribute('aria-selected')).toBe('true')

    const [source, target] = [page.getByRole('img', { name: /^source / }), page.getByRole('img', { name: /^target / })]
    await source.locator('img').waitFor()
    const pair = (await direct<{ items: { category: string; srcStem: string; trgStem: string; kpsIds: number[]; srcKps: [number, number][]; trgKps: [number, number][]; trgBbox: number[] }[] }>(
      'datasets.pairs',
      { name: 'fixture', split: 'test', pair: name },
    )).items[0]!
    const id = pair.kpsIds[0]!
    // A click on the source keypoint as drawn (a user aims at the dot).
    const [cx, cy] = await centre(source.getByTestId(`kp-${id}`).locator('.kp-dot'))
    await page.mouse.click(cx, cy)
    const pick = source.getByTestId('source-pick')
    await pick.waitFor()
    expect([Number(await pick.getAttribute('data-x')), Number(await pick.getAttribute('data-y'))]).toEqual(pair.srcKps[0])

    const marker = target.getByTestId('pred-nn-handmade')
    await marker.waitFor({ timeout: 30_000 })
    const shown = [Number(await marker.getAttribute('data-x')), Number(await marker.getAttribute('data-y'))]
    const said = await direct<Answer>('transfer.points', {
      dataset: 'fixture',
      method: 'nn-handmade',
      source: { category: pair.category, stem: pair.srcStem },
      target: { category: pair.category, stem: pair.trgStem },
      points: [pair.srcKps[0]],
      heatmaps: true,
    })
    expect(shown).toEqual(said.predictions[0])
    const [ex, ey] = await pageXy(target, shown[0]!, shown[1]!)
    const [mx, my] = await centre(marker.locator('path').first())
    expect(Math.hypot(mx - ex, my - ey)).toBeLessThan(1.5)

    await expect.poll(heatmapPixels, { timeout: 10_000 }).toMatchObject({ painted: said.heatmaps![0]!.values.length })
    expect((await heatmapPixels()).colours).toBeGreaterThan(1)

    const gt = target.getByTestId('gt')
    await gt.waitFor()
    const T = Math.max(pair.trgBbox[2]! - pair.trgBbox[0]!, pair.trgBbox[3]! - pair.trgBbox[1]!)
    expect(Number(await gt.getAttribute('data-radius'))).toBeCloseTo(0.1 * T, 9)
    expect([Number(await gt.getAttribute('data-x')), Number(await gt.getAttribute('data-y'))]).toEqual(pair.trgKps[0])
    const circle = target.getByTestId('gt-circle')
    expect(await circle.isVisible()).toBe(true)
    const [gx, gy] = await pageXy(target, pair.trgKps[0]![0], pair.trgKps[0]![1])
    const [ccx, ccy] = await centre(circle)
    expect(Math.hypot(ccx - gx, ccy - gy)).toBeLessThan(1.5)
    const row = page.getByTestId('result-nn-handmade')
    expect(await row.getAttribute('data-status')).toBe('ok')
    expect(await row.textContent()).toMatch(/(correct|wrong)/)
  })

  it('shows a method the service refuses with its message, beside the others', async () => {
    await page.getByRole('textbox', { name: 'Method name' }).fill('nn-nosuchbackbone')
    await page.getByRole('button', { name: 'Add' }).click()
    await page.getByRole('group', { name: 'Keypoints' }).getByRole('button').first().click()
    const row = page.getByTestId('result-nn-nosuchbackbone')
    await row.locator('[role=alert]').waitFor({ timeout: 30_000 })
    expect(await row.textContent()).toMatch(/nosuchbackbone/)
    await expect.poll(() => page.getByTestId('result-nn-handmade').getAttribute('data-status'), { timeout: 30_000 }).toBe('ok')
  })

  it('opens the worst pair of a method from the Reports gallery in Transfer', async () => {
    await s.goto('#/reports?ds=fixture&split=test')
    const card = page.getByTestId('worst-pair-0')
    await card.waitFor({ timeout: 15_000 })
    const name = (await card.getAttribute('data-pair'))!
    const worst = await direct<PairPage>('eval.pairs', { dataset: 'fixture', split: 'test', method: 'nn-handmade', limit: 1 })
    expect(name).toBe(worst.items[0]!.name)
    await expect.poll(() => card.locator('img').count()).toBe(2)
    await card.click()
    await expect.poll(() => page.url()).toContain('#/transfer?')
    await expect.poll(() => page.getByTestId('transfer-pair').textContent()).toContain(name)
    expect(await page.getByTestId(`pair-row-${name}`).getAttribute('aria-selected')).toBe('true')
    const methods = page.getByRole('group', { name: 'Methods' })
    expect(await methods.getByRole('checkbox', { name: 'nn-handmade' }).isChecked()).toBe(true)
  })

  it('transfers between any two images of the demo data set, with ground truth where both carry the keypoint', { timeout: 180_000 }, async () => {
    // The server generates `demo` in the background at start; wait until it is listed.
    await expect
      .poll(async () => (await direct<{ name: string }[]>('datasets.list', {})).some((d) => d.name === 'demo'), { timeout: 150_000, interval: 2000 })
      .toBe(true)
    const images = await direct<{ items: { stem: string }[] }>('datasets.images', { name: 'demo', category: 'quadruped', split: 'test', limit: 2 })
    const [a, b] = images.items
    await s.goto(`#/transfer?ds=demo&src=quadruped/${a!.stem}&trg=quadruped/${b!.stem}&m=nn-handmade`)
    expect(await page.getByRole('button', { name: 'any two images' }).getAttribute('aria-pressed')).toBe('true')
    await expect.poll(() => page.getByRole('combobox', { name: 'Source image' }).inputValue()).toBe(a!.stem)
    const keypoints = page.getByRole('group', { name: 'Keypoints' }).getByRole('button')
    await expect.poll(() => keypoints.count(), { timeout: 15_000 }).toBeGreaterThan(0)
    const target = page.getByRole('img', { name: /^target / })
    await target.locator('img').waitFor()
    await keypoints.nth(0).click()
    await target.getByTestId('pred-nn-handmade').waitFor({ timeout: 60_000 })
    await target.getByTestId('gt-circle').waitFor()
    await expect.poll(async () => (await heatmapPixels()).painted, { timeout: 10_000 }).toBeGreaterThan(0)

    // A click away from every keypoint transfers that point, without ground truth.
    const source = page.getByRole('img', { name: /^source / })
    const box = (await source.boundingBox())!
    await page.mouse.click(box.x + 12, box.y + box.height - 12)
    await expect.poll(async () => target.getByTestId('gt').count()).toBe(0)
    await target.getByTestId('pred-nn-handmade').waitFor()
  })

  it('opens the worst demo pair of an evaluated method by itself', { timeout: 180_000 }, async () => {
    const { jobId } = await direct<{ jobId: string }>('eval.run', { dataset: 'demo', split: 'test', method: 'nn-handmade', categories: ['quadruped'] })
    await expect
      .poll(async () => (await direct<{ status: string }>('jobs.get', { id: jobId })).status, { timeout: 150_000, interval: 1000 })
      .toBe('succeeded')
    const worst = await direct<PairPage>('eval.pairs', { dataset: 'demo', split: 'test', method: 'nn-handmade', limit: 1 })
    // A fresh visit (as from the navigation bar) reads the reports again.
    await s.goto('#/reports')
    await s.goto('#/transfer?ds=demo')
    await expect.poll(() => page.url(), { timeout: 15_000 }).toContain(`pair=${encodeURIComponent(worst.items[0]!.name)}`)
    expect(await page.getByTestId(`pair-row-${worst.items[0]!.name}`).getAttribute('aria-selected')).toBe('true')
    const target = page.getByRole('img', { name: /^target / })
    await target.locator('img').waitFor()
    // The evaluation's own predictions of every keypoint, each joined to its ground truth.
    const item = (await direct<{ items: { kpsIds: number[]; predicted: ([number, number] | null)[]; correct: number }[] }>('eval.pairs', {
      dataset: 'demo',
      split: 'test',
      method: 'nn-handmade',
      pair: worst.items[0]!.name,
    })).items[0]!
    const evaluated = target.getByTestId('evaluated').locator('[data-testid^=eval-pred-]')
    await expect.poll(() => evaluated.count()).toBe(item.predicted.filter(Boolean).length)
    const k = item.predicted.findIndex(Boolean)
    const mark = target.getByTestId(`eval-pred-${item.kpsIds[k]}`)
    expect([Number(await mark.getAttribute('data-x')), Number(await mark.getAttribute('data-y'))]).toEqual(item.predicted[k])
    expect(await target.locator('[data-testid^=eval-pred-][data-correct=true]').count()).toBe(item.correct)
    await page.getByRole('group', { name: 'Keypoints' }).getByRole('button').nth(1).click()
    const live = target.getByTestId('pred-nn-handmade')
    await live.waitFor({ timeout: 60_000 })
    // Clicking a keypoint gives what the evaluation predicted for it.
    expect([Number(await live.getAttribute('data-x')), Number(await live.getAttribute('data-y'))]).toEqual(item.predicted[1])
    await target.getByTestId('gt-circle').waitFor()
    await expect.poll(async () => (await heatmapPixels()).painted, { timeout: 10_000 }).toBeGreaterThan(0)
    await s.screenshot('transfer')
  })

  it('scrolls a 3,000-pair list sorted by error to its last pair, rendering only a window of rows', { timeout: 240_000 }, async () => {
    // The data set's pixels stay where it was imported from: the folder lives until the end.
    // Inside the served workspace, which the global teardown removes: the data set stays readable
    // for the test files that run after this one (their galleries show its pairs).
    const pairsDir = mkdtempSync(join(inject('dataDir'), 'many-pairs-'))
    const { jobId } = await direct<{ jobId: string }>('datasets.import', { root: makeManyPairs(inject('fixtureRoot'), pairsDir, MANY_PAIRS), name: 'manypairs' })
    await jobDone(jobId, 60_000)
    const evaluation = await direct<{ jobId: string }>('eval.run', { dataset: 'manypairs', split: 'test', method: 'nn-handmade' })
    await jobDone(evaluation.jobId, 180_000)
    const byError = { dataset: 'manypairs', split: 'test', method: 'nn-handmade', sort: 'error', descending: true }
    const [first, last] = await Promise.all([direct<PairPage>('eval.pairs', { ...byError, limit: 1 }), direct<PairPage>('eval.pairs', { ...byError, offset: MANY_PAIRS - 1, limit: 1 })])

    await s.goto('#/transfer?ds=manypairs&split=test&sort=error&desc=1')
    await expect.poll(() => page.getByTestId('pair-list-summary').textContent(), { timeout: 15_000 }).toContain(`${MANY_PAIRS} pairs scored by nn-handmade`)
    const rows = page.locator('[data-testid^=pair-row-]')
    await page.getByTestId(`pair-row-${first.items[0]!.name}`).waitFor()
    expect(await rows.count()).toBeLessThan(60)
    expect(await page.getByRole('table', { name: 'Pairs' }).getAttribute('aria-rowcount')).toBe(String(MANY_PAIRS + 1))

    await page.getByTestId('pair-list-scroll').evaluate((el) => {
      const box = el as unknown as { scrollTop: number; scrollHeight: number }
      box.scrollTop = box.scrollHeight
    })
    const lastRow = page.getByTestId(`pair-row-${last.items[0]!.name}`)
    await lastRow.waitFor({ timeout: 15_000 })
    expect(await lastRow.getAttribute('aria-rowindex')).toBe(String(MANY_PAIRS + 1))
    expect(await lastRow.getAttribute('data-error')).toBe(String(last.items[0]!.meanNormError ?? 'missing'))
    expect(await rows.count()).toBeLessThan(60)
    await lastRow.click()
    await expect.poll(() => page.getByTestId('transfer-pair').textContent()).toContain(last.items[0]!.name)
    expect(await lastRow.getAttribute('aria-selected')).toBe('true')
  })

  it('hybrid: a slow first call shows progress and can be cancelled, the newest pick wins, and its score map is drawn', { timeout: 300_000 }, async () => {
    type Run = { id: string; status: string }
    const before = new Set((await direct<Run[]>('train.runs', {})).map((r) => r.id))
    await trainDemoRun(s, 6)
    const run = (await direct<Run[]>('train.runs', {})).find((r) => !before.has(r.id) && r.status === 'succeeded')!
    const hybrid = `hybrid:${run.id}`
    const [a, b] = (await direct<{ items: { stem: string }[] }>('datasets.images', { name: 'demo', category: 'quadruped', split: 'test', limit: 2 })).items
    await s.goto(`#/transfer?ds=demo&src=quadruped/${a!.stem}&trg=quadruped/${b!.stem}&m=nn-handmade`)
    await page.getByRole('group', { name: 'Methods' }).getByRole('checkbox', { name: hybrid }).check()
    const keypoints = page.getByRole('group', { name: 'Keypoints' }).getByRole('button')
    await expect.poll(() => keypoints.count(), { timeout: 15_000 }).toBeGreaterThan(1)
    const target = page.getByRole('img', { name: /^target / })
    await target.locator('img').waitFor()

    // The run is new: its first hybrid call fits the val images' meshes (seconds), and says so.
    await keypoints.nth(0).click()
    const row = page.getByTestId(`result-${hybrid}`)
    const cancel = row.getByRole('button', { name: 'Cancel' })
    await cancel.waitFor({ timeout: 15_000 })
    expect(await row.getByRole('progressbar', { name: `progress of ${hybrid}` }).isVisible()).toBe(true)
    await expect.poll(() => row.getByTestId('call-progress').textContent(), { timeout: 15_000 }).toMatch(/\d+ \/ \d+ images/)
    await cancel.click()
    await expect.poll(() => row.getAttribute('data-status')).toBe('cancelled')
    expect(await row.textContent()).toContain('cancelled')
    expect(await target.getByTestId(`pred-${hybrid}`).count()).toBe(0)
    await target.getByTestId('pred-nn-handmade').waitFor({ timeout: 30_000 })

    // A pick made while the first is still fitting supersedes it: what is shown is the second's answer.
    await keypoints.nth(0).click()
    await keypoints.nth(1).click()
    const marker = target.getByTestId(`pred-${hybrid}`)
    await marker.waitFor({ timeout: 180_000 })
    const pick = page.getByRole('img', { name: /^source / }).getByTestId('source-pick')
    const picked = [Number(await pick.getAttribute('data-x')), Number(await pick.getAttribute('data-y'))]
    const said = await direct<Answer>('transfer.points', {
      dataset: 'demo',
      method: hybrid,
      source: { category: 'quadruped', stem: a!.stem },
      target: { category: 'quadruped', stem: b!.stem },
      points: [picked],
      heatmaps: true,
    })
    expect([Number(await marker.getAttribute('data-x')), Number(await marker.getAttribute('data-y'))]).toEqual(said.predictions[0])
    expect(await row.getAttribute('data-status')).toBe('ok')

    await page.getByRole('combobox', { name: 'Heatmap of' }).selectOption(hybrid)
    const canvas = page.getByTestId('heatmap-canvas')
    await expect.poll(() => canvas.getAttribute('data-method')).toBe(hybrid)
    expect(await canvas.getAttribute('data-kind')).toBe('hybrid')
    await expect.poll(heatmapPixels, { timeout: 10_000 }).toMatchObject({ painted: said.heatmaps![0]!.values.length })
    expect((await heatmapPixels()).colours).toBeGreaterThan(1)
    expect(await page.getByTestId('heatmap-caption').textContent()).toContain(`score of ${hybrid}`)
    await s.screenshot('transfer-hybrid')
  })

  it('logged no errors (CSP violations included)', () => {
    expect(s.errors).toEqual([])
  })
})
