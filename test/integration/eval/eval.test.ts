import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvalResult } from '../../../src/main/services/eval/eval-service'
import { main } from '../../../src/main/cli/index'
import { call, callError, FIXTURE, importTree, openCore, scratch } from '../datasets/helpers'

type Core = ReturnType<typeof openCore>

async function evaluate(core: Core, request: Parameters<Core['services']['eval']['startEval']>[0] | Record<string, unknown>): Promise<EvalResult> {
  const { jobId } = await call(core, 'eval.run', request as never)
  return (await core.services.jobs.wait(jobId)) as EvalResult
}

/** Predictions for the fixture's four test pairs: pair 1 off by exactly 10, 9 and 11 px; the others exact. */
async function predictionsFile(core: Core): Promise<string> {
  const pairs = await call(core, 'datasets.pairs', { name: 'fx', split: 'test' })
  const lines = pairs.items.map((p) => {
    const kps =
      p.pairId === 1
        ? [
            [p.trgKps[0]![0] + 6, p.trgKps[0]![1] + 8], // 10 px: correct with <=, wrong with <
            [p.trgKps[1]![0] + 9, p.trgKps[1]![1]], // 9 px: correct
            [p.trgKps[2]![0], p.trgKps[2]![1] - 11], // 11 px: wrong
          ]
        : p.trgKps
    // Half the lines use the `_` spelling some SPair copies have.
    const pair = p.pairId % 2 ? p.name.replace(':', '_') : p.name
    return JSON.stringify({ pair, split: 'test', kps })
  })
  const file = join(scratch(), 'predictions.jsonl')
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

describe('evaluation through the contract', () => {
  it('scores external predictions exactly, caches the report, and re-scores cached predictions for new options', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const file = await predictionsFile(core)
    const method = `predictions:${file}`
    const le = await evaluate(core, { dataset: 'fx', method })
    expect(le).toMatchObject({ method, dataset: 'fx', split: 'test', threshold: 'bbox', compare: 'le', cache: 'miss', warnings: [] })
    // Pairs: cat 1 (2/3), cat 2 (1), bicycle 3 (1), bicycle 5 (1) at alpha 0.1, N = 3, 3, 2, 4.
    expect(le.overall['0.1']).toMatchObject({ pairs: 4, points: 12 })
    expect(le.overall['0.1']!.perImage).toBeCloseTo((2 / 3 + 1 + 1 + 1) / 4, 10)
    expect(le.overall['0.1']!.perPoint).toBeCloseTo(11 / 12, 10)
    expect(le.overall['0.1']!.meanOfCategories).toBeCloseTo(((2 / 3 + 1) / 2 + 1) / 2, 10)
    expect(le.categories.cat!['0.1']!.perImage).toBeCloseTo(5 / 6, 10)

    const again = await evaluate(core, { dataset: 'fx', method })
    expect(again.cache).toBe('hit')
    expect(again.overall).toEqual(le.overall)

    const lt = await evaluate(core, { dataset: 'fx', method, compare: 'lt' })
    expect(lt.cache).toBe('miss')
    expect(lt.overall['0.1']!.perPoint).toBeCloseTo(10 / 12, 10)

    const reports = await call(core, 'eval.reports', { dataset: 'fx' })
    expect(reports.map((r) => r.options.compare).sort()).toEqual(['le', 'lt'])
  })

  it('counts missing and malformed prediction lines as wrong, and says which lines', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const file = join(scratch(), 'partial.jsonl')
    const pairs = await call(core, 'datasets.pairs', { name: 'fx', split: 'test' })
    const good = pairs.items[0]!
    writeFileSync(file, `${JSON.stringify({ pair: good.name, split: 'test', kps: good.trgKps })}\n{"pair": 12}\n`)
    const report = await evaluate(core, { dataset: 'fx', method: `predictions:${file}` })
    expect(report.overall['0.1']!.perPoint).toBeCloseTo(good.trgKps.length / 12, 10)
    expect(report.warnings.some((w) => w.startsWith(`${file}:2 [pair]`))).toBe(true)
  })

  it('runs the 2-D nearest-neighbour baseline end to end and caches it', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const first = await evaluate(core, { dataset: 'fx', method: 'nn-handmade', alphas: [0.1] })
    expect(first.cache).toBe('miss')
    const pck = first.overall['0.1']!
    expect(pck.pairs).toBe(4)
    expect(pck.perPoint).toBeGreaterThanOrEqual(0)
    expect(pck.perPoint).toBeLessThanOrEqual(1)
    const second = await evaluate(core, { dataset: 'fx', method: 'nn-handmade', alphas: [0.1] })
    expect(second).toMatchObject({ cache: 'hit', overall: first.overall })
  })

  it('refuses unknown methods and datasets clearly', async () => {
    const core = openCore()
    await importTree(core, FIXTURE, 'fx')
    const { jobId } = await call(core, 'eval.run', { dataset: 'fx', method: 'magic' })
    await expect(core.services.jobs.wait(jobId)).rejects.toThrow(/unknown method "magic"/)
    expect(await callError(core, 'eval.run', { dataset: 'nope', method: 'nn-handmade' })).toMatchObject({ code: 'NOT_FOUND' })
    expect(await callError(core, 'eval.run', { dataset: 'fx', method: 'nn-handmade', alphas: [-1] })).toMatchObject({ code: 'VALIDATION' })
  })

  it('scores any SPair-layout folder from the command line, writing the JSON report', async () => {
    const dataDir = scratch()
    const out = { text: '', write: (c: string) => ((out.text += c), true) }
    const err = { text: '', write: (c: string) => ((err.text += c), true) }
    const json = join(scratch(), 'report.json')
    const io = { stdout: out as unknown as NodeJS.WritableStream, stderr: err as unknown as NodeJS.WritableStream }
    const csv = join(scratch(), 'report.csv')
    const svg = join(scratch(), 'report.svg')
    const code = await main(
      ['eval', '--spair', FIXTURE, '--method', 'nn-handmade', '--alpha', '0.05,0.10', '--json', json, '--csv', csv, '--svg', svg, '--data-dir', dataDir],
      io,
    )
    expect(code, err.text).toBe(0)
    const report = JSON.parse(readFileSync(json, 'utf8')) as { alphas: string[]; dataset: string; warnings?: unknown }
    expect(report.alphas).toEqual(['0.05', '0.10'])
    expect(report.dataset).toBe('SPair-71k')
    expect(report.warnings).toBeUndefined()
    expect(out.text).toMatch(/nn-handmade/)
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe('method,bicycle,cat,mean,all')
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/)
  })
})
