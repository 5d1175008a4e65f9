/**
 * Does the studio stay responsive while a run trains? Frame times of the Training view in
 * Debian Chromium against the built `semagic serve` (a fresh workspace, the small demo data
 * set), recorded as requestAnimationFrame intervals: first with no training (control), then
 * while an open-ended run trains, its loss curve polled and redrawn every 3 s as the view does.
 * Each phase has an idle half and a half in which the user sweeps the pointer over the loss
 * chart (uPlot's cursor and legend follow it) and scrolls the page.
 *
 *   npx electron-vite build && npx vite-node bench/ui-frames.bench.ts [-- --seconds 30]
 *
 * It builds nothing itself. No budget: the figures go to BENCHMARKS.md as measured.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { launchChromium } from '../test/e2e/chromium'
import { startServe } from '../test/e2e/serve-process'
import { startDemoRun, trainDemoRun } from '../test/e2e/train-form'
import type { StudioNav } from '../test/e2e/train-form'
import { cpuModel, updateBenchmarks } from './bench-report'
import { quantile } from './serve-load-driver'

const MARK_BEGIN = '<!-- ui-frames:begin -->'
const MARK_END = '<!-- ui-frames:end -->'
const root = resolve(__dirname, '..')
const secondsArg = process.argv.indexOf('--seconds')
/** Per phase (control, training); half idle, half interacting. */
const SECONDS = secondsArg >= 0 ? Number(process.argv[secondsArg + 1]) : 30
/** A frame longer than this is a visible hitch (three missed 60 Hz vsyncs). */
const LONG_MS = 50

/** The page's globals the recorder uses; the bench's TypeScript project has no DOM library. */
type FrameGlobal = { requestAnimationFrame(cb: (t: number) => void): number; __frames?: number[]; __recording?: boolean }

interface FrameStats {
  frames: number
  p50: number
  p95: number
  p99: number
  max: number
  /** Share of frames longer than LONG_MS, in per cent. */
  longPct: number
}

function frameStats(intervals: number[]): FrameStats {
  const sorted = [...intervals].sort((a, b) => a - b)
  const r = (v: number): number => Math.round(v * 10) / 10
  return {
    frames: sorted.length,
    p50: r(quantile(sorted, 0.5)),
    p95: r(quantile(sorted, 0.95)),
    p99: r(quantile(sorted, 0.99)),
    max: r(sorted[sorted.length - 1] ?? 0),
    longPct: Math.round((sorted.filter((v) => v > LONG_MS).length / Math.max(1, sorted.length)) * 1000) / 10,
  }
}

async function startRecording(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as FrameGlobal
    const frames: number[] = []
    g.__frames = frames
    g.__recording = true
    let last = -1
    const tick = (t: number): void => {
      if (last >= 0) frames.push(t - last)
      last = t
      if (g.__recording) g.requestAnimationFrame(tick)
    }
    g.requestAnimationFrame(tick)
  })
}

async function stopRecording(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const g = globalThis as unknown as FrameGlobal
    g.__recording = false
    return g.__frames ?? []
  })
}

/** What a user does meanwhile: sweeps the pointer across the loss chart, scrolls down and back. */
async function interact(page: Page, until: number): Promise<void> {
  const chart = page.getByTestId('loss-chart')
  while (Date.now() < until) {
    // The view replaces the chart on every poll while a run is live, so find it afresh each sweep.
    await chart.scrollIntoViewIfNeeded()
    const box = await chart.boundingBox()
    if (box) {
      for (let i = 0; i <= 40 && Date.now() < until; i++) await page.mouse.move(box.x + (box.width * i) / 40, box.y + box.height * (0.3 + 0.4 * ((i % 8) / 8)))
    }
    await page.mouse.wheel(0, -600)
    await page.waitForTimeout(250)
    await page.mouse.wheel(0, 600)
    await page.waitForTimeout(250)
  }
}

async function phase(page: Page): Promise<{ idle: FrameStats; interacting: FrameStats; all: FrameStats }> {
  const half = (SECONDS * 1000) / 2
  await startRecording(page)
  await page.waitForTimeout(half)
  const idle = await stopRecording(page)
  await startRecording(page)
  await interact(page, Date.now() + half)
  const interacting = await stopRecording(page)
  return { idle: frameStats(idle), interacting: frameStats(interacting), all: frameStats([...idle, ...interacting]) }
}

/** The live run's step, from the form's job progress ("123 / 100000 steps"). */
async function liveStep(page: Page): Promise<number> {
  const text = await page.getByRole('form', { name: 'Start training' }).getByTestId('job-done').textContent()
  return Number(/^(\d+)/.exec(text ?? '')?.[1] ?? NaN)
}

async function main(): Promise<void> {
  if (!existsSync(join(root, 'out/renderer/index.html')) || !existsSync(join(root, 'out/main/cli.js'))) {
    throw new Error('build first: npx electron-vite build')
  }
  // Before anything of ours runs: what the other users of the machine were doing.
  const loadBefore = loadavg()
  const dataDir = mkdtempSync(join(tmpdir(), 'semagic-ui-frames-'))
  const serve = await startServe(dataDir, { SEMAGIC_DEMO_SIZE: 'small' })
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    await page.goto(serve.url)
    const nav: StudioNav = { page, goto: async (hash) => void (await page.goto(`${serve.origin}/${hash}`)) }

    // A finished short run gives the control phase the same view: a run selected, its chart drawn.
    process.stderr.write('preparing the demo data set and a 30-step run for the control phase\n')
    await trainDemoRun(nav, 30)
    await page.getByTestId('loss-chart').locator('canvas').waitFor()
    process.stderr.write(`control: ${SECONDS} s with no training\n`)
    const control = await phase(page)

    const runId = await startDemoRun(nav, 100_000, { seed: 1 })
    // The first logged row (step 10) puts the live run's chart on screen.
    await page.getByTestId('loss-chart').locator('canvas').waitFor({ timeout: 120_000 })
    const stepBefore = await liveStep(page)
    const started = Date.now()
    process.stderr.write(`training: ${SECONDS} s while ${runId} trains\n`)
    const training = await phase(page)
    const stepsPerSecond = Math.round(((await liveStep(page)) - stepBefore) / ((Date.now() - started) / 1000) * 100) / 100
    const loadAfter = loadavg()
    // A clean cancel leaves a checkpoint; should it miss, serve.stop() interrupts the run anyway.
    await page.getByRole('form', { name: 'Start training' }).getByRole('button', { name: 'Cancel' }).click().catch(() => undefined)

    const result = { seconds: SECONDS, control, training, stepsPerSecond, loadBefore, loadAfter }
    console.log(JSON.stringify(result, null, 2))

    const load = (l: number[]): string => l.map((v) => v.toFixed(2)).join(' / ')
    const row = (name: string, s: FrameStats): string => `| ${name} | ${s.frames} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} | ${s.longPct} |`
    const section = [
      MARK_BEGIN,
      '## Frame times of the Training view while a run trains',
      '',
      `Command: \`npx electron-vite build && npx vite-node bench/ui-frames.bench.ts\` (${SECONDS} s per phase).`,
      `Machine: ${cpuModel()}, ${availableParallelism()} cores, shared with other work; Node ${process.version}; headless Debian Chromium (software rendering); ${new Date().toISOString().slice(0, 10)}.`,
      `Load average (1 / 5 / 15 min) before the bench started ${load(loadBefore)}, after the training phase ${load(loadAfter)}.`,
      'The built `semagic serve` on a fresh workspace (small demo data set); the Training view at 1400 x 900 px with a run selected and its loss chart drawn.',
      'Frame time = interval between successive requestAnimationFrame callbacks in the page (16.7 ms at 60 Hz when nothing blocks the renderer).',
      'Each phase: half idle, half with the pointer sweeping the loss chart (uPlot cursor and legend) and the page scrolled down and back.',
      `Control: a finished 30-step run selected, nothing training. Training: an open-ended run of the demo quadruped (handmade backbone, both training threads) selected, its curve and the runs table re-read and redrawn every 3 s; it trained ${stepsPerSecond} steps/s meanwhile.`,
      '',
      `| phase | frames | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | frames > ${LONG_MS} ms (%) |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      row('control, idle', control.idle),
      row('control, pointer + scroll', control.interacting),
      row('**control, all**', control.all),
      row('training, idle', training.idle),
      row('training, pointer + scroll', training.interacting),
      row('**training, all**', training.all),
      MARK_END,
    ].join('\n')
    updateBenchmarks(section, MARK_BEGIN, MARK_END)
  } finally {
    await browser.close()
    await serve.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

void main()
