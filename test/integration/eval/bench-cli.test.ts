import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/index'
import { DB_FILE } from '../../../src/main/store/open-store'
import { FIXTURE, scratch } from '../datasets/helpers'

function sink(): NodeJS.WritableStream & { text: string } {
  const s = { text: '', write: (chunk: string) => ((s.text += chunk), true) }
  return s as unknown as NodeJS.WritableStream & { text: string }
}

describe('semagic bench', () => {
  it('prints one table for several methods and writes the JSON document', async () => {
    const dir = scratch()
    // Perfect predictions for every test pair of the fixture.
    const lines = ['000001-2008_000001-2008_000002:cat', '000002-2008_000002-2008_000001:cat', '000003-2010_000004-2010_000005:bicycle', '000005-2010_000005-2010_000004:bicycle'].map(
      (name) => {
        const pair = JSON.parse(readFileSync(join(FIXTURE, 'PairAnnotation', 'test', `${name}.json`), 'utf8')) as { trg_kps: number[][] }
        return JSON.stringify({ pair: name, split: 'test', kps: pair.trg_kps })
      },
    )
    const predictions = join(dir, 'perfect.jsonl')
    writeFileSync(predictions, `${lines.join('\n')}\n`)
    const json = join(dir, 'bench.json')
    const out = sink()
    const err = sink()
    const code = await main(
      ['bench', '--spair', FIXTURE, '--methods', `nn-handmade,predictions:${predictions}`, '--categories', 'cat,bicycle', '--json', json, '--data-dir', join(dir, 'ws')],
      { stdout: out, stderr: err },
    )
    expect(code, err.text).toBe(0)
    const table = out.text.split('\n')
    expect(table[1]!.split(/\s{2,}/)).toEqual(['method', 'bicycle', 'cat', 'mean', 'vp=2'])
    expect(table.find((l) => l.startsWith('predictions:'))!.split(/\s{2,}/).slice(1)).toEqual(['100.0', '100.0', '100.0', '100.0'])
    const doc = JSON.parse(readFileSync(json, 'utf8')) as {
      dataset: string
      split: string
      alpha: string
      methods: Record<string, { seeds: number[]; overall: { perImage: { mean: number; std: number } }; categories: Record<string, unknown> }>
      durationSeconds: number
    }
    expect(doc).toMatchObject({ dataset: 'SPair-71k', split: 'test', alpha: '0.1' })
    expect(Object.keys(doc.methods)).toEqual(['nn-handmade', `predictions:${predictions}`])
    expect(doc.methods[`predictions:${predictions}`]!.overall.perImage).toEqual({ mean: 1, std: 0 })
    expect(Object.keys(doc.methods['nn-handmade']!.categories)).toEqual(['bicycle', 'cat'])
    expect(doc.durationSeconds).toBeGreaterThan(0)

    const refused = sink()
    expect(await main(['bench', '--dataset', 'x', '--variants', 'semagic,magic', '--data-dir', join(dir, 'ws')], { stdout: sink(), stderr: refused })).toBe(2)
    expect(refused.text).toMatch(/unknown variant "magic"/)
    const noHybrid = sink()
    expect(await main(['bench', '--dataset', 'x', '--hybrids', 'hybrid,hybrid-magic', '--data-dir', join(dir, 'ws')], { stdout: sink(), stderr: noHybrid })).toBe(2)
    expect(noHybrid.text).toMatch(/unknown hybrid "hybrid-magic" in --hybrids: use hybrid, hybrid-fitted, hybrid-open/)
  })

  it('trains what is missing for each variant and seed, reuses finished runs, and reports mean ± spread', { timeout: 480_000 }, async () => {
    process.env.SEMAGIC_DEMO_SIZE = 'small'
    const dir = scratch()
    const args = ['bench', '--dataset', 'demo', '--categories', 'quadruped', '--methods', 'nn-handmade', '--variants', 'semagic,baseline', '--seeds', '2', '--steps', '4', '--backbone', 'handmade']
    const first = { out: sink(), err: sink() }
    const json = join(dir, 'bench.json')
    expect(await main([...args, '--json', json, '--data-dir', join(dir, 'ws')], { stdout: first.out, stderr: first.err }), first.err.text).toBe(0)
    expect(first.err.text.match(/training (semagic|baseline) on quadruped/g)).toHaveLength(4)
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { methods: Record<string, { seeds: number[]; categories: Record<string, unknown> }> }
    expect(Object.keys(doc.methods)).toEqual(['nn-handmade', 'semagic', 'hybrid-semagic', 'baseline', 'hybrid-baseline'])
    expect(doc.methods.semagic!.seeds).toEqual([0, 1])
    expect(Object.keys(doc.methods.baseline!.categories)).toEqual(['quadruped'])
    expect(first.out.text.split('\n').find((l) => l.startsWith('semagic'))).toMatch(/±/)
    // Each trained row has its hybrid, with the weight chosen on val, and its gain over the matcher it refines.
    expect(first.err.text.match(/^quadruped, seed [01]: hybrid weight lambda = [\d.]+.* chosen on \d+ val pairs of quadruped/gm)).toHaveLength(4)
    const gains = (doc as unknown as { gains: { reference: string; methods: Record<string, Record<string, { gain: { mean: number; std: number }; verdict: string }>> } }).gains
    expect(gains.reference).toBe('nn-handmade')
    expect(Object.keys(gains.methods)).toEqual(['hybrid-semagic', 'hybrid-baseline'])
    const quad = gains.methods['hybrid-semagic']!.quadruped!
    expect(quad.gain.mean).toBeCloseTo((doc.methods['hybrid-semagic'] as unknown as { categories: { quadruped: { perImage: { mean: number } } } }).categories.quadruped.perImage.mean - (doc.methods['nn-handmade'] as unknown as { categories: { quadruped: { perImage: { mean: number } } } }).categories.quadruped.perImage.mean, 12)
    expect(['helps', 'hurts', 'no clear difference']).toContain(quad.verdict)
    const gainLines = first.out.text.split('\n')
    const gainHeader = gainLines.findIndex((l) => l.startsWith('minus nn-handmade'))
    expect(gainLines[gainHeader]!.split(/\s{2,}/)).toEqual(['minus nn-handmade', 'quadruped', 'mean', ...Object.keys(gains.methods['hybrid-semagic']!).filter((c) => c.startsWith('vp='))])
    expect(gainLines[gainHeader + 2]).toMatch(/^hybrid-semagic\s+[+-]\d+\.\d/)

    // Runs stored before articulation, the appearance term and large steps existed have no such settings; they trained without them, the defaults, and are reused.
    const db = new Database(join(dir, 'ws', DB_FILE))
    for (const row of db.prepare(`SELECT id, config FROM runs`).all() as { id: string; config: string }[]) {
      const { articulation, appearance, largeSteps, ...older } = JSON.parse(row.config) as Record<string, unknown>
      expect(articulation).toBe(0)
      expect(appearance).toBe(0)
      expect(largeSteps).toBe(0)
      db.prepare(`UPDATE runs SET config = ? WHERE id = ?`).run(JSON.stringify(older), row.id)
    }
    db.close()
    const again = { out: sink(), err: sink() }
    expect(await main([...args, '--data-dir', join(dir, 'ws')], { stdout: again.out, stderr: again.err })).toBe(0)
    expect(again.err.text).not.toMatch(/training /)
    expect(again.out.text).toBe(first.out.text)

    // A run trained before the engine's defaults changed is not today's result: it is trained again.
    const runs = join(dir, 'ws', 'runs')
    const older = readdirSync(runs).find((r) => r.startsWith('quadruped-semagic-seed0-'))!
    const last = readdirSync(join(runs, older)).filter((n) => n.startsWith('ckpt-')).sort().at(-1)!
    const manifestFile = join(runs, older, last, 'manifest.json')
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { state: { config: Record<string, unknown> } }
    manifest.state.config.preferAbove = manifest.state.config.preferAbove === 0.3 ? 0.2 : 0.3
    writeFileSync(manifestFile, JSON.stringify(manifest))
    // A run whose final checkpoint is damaged is trained again too, not an error, even where an
    // intact checkpoint of an earlier step (here a copy of the final one, relabelled) survives.
    const damaged = readdirSync(runs).find((r) => r.startsWith('quadruped-baseline-seed1-'))!
    const damagedLast = readdirSync(join(runs, damaged)).filter((n) => n.startsWith('ckpt-')).sort().at(-1)!
    const earlier = join(runs, damaged, 'ckpt-00000003')
    cpSync(join(runs, damaged, damagedLast), earlier, { recursive: true })
    const earlierManifest = JSON.parse(readFileSync(join(earlier, 'manifest.json'), 'utf8')) as { step: number }
    writeFileSync(join(earlier, 'manifest.json'), JSON.stringify({ ...earlierManifest, step: 3 }))
    writeFileSync(join(runs, damaged, damagedLast, 'weights.bin'), 'not the weights')
    const changed = { out: sink(), err: sink() }
    expect(await main([...args, '--data-dir', join(dir, 'ws')], { stdout: changed.out, stderr: changed.err }), changed.err.text).toBe(0)
    expect(changed.err.text.match(/training (semagic|baseline) on quadruped, seed \d/g)).toEqual(['training semagic on quadruped, seed 0', 'training baseline on quadruped, seed 1'])

    // Articulation is a flag of its own: a row per setting, the unarticulated runs reused.
    const articulated = { out: sink(), err: sink() }
    const armed = ['bench', '--dataset', 'demo', '--categories', 'quadruped', '--methods', 'nn-handmade', '--variants', 'semagic', '--articulation', '0,2', '--seeds', '1', '--steps', '4', '--backbone', 'handmade', '--hybrids', 'hybrid,hybrid-open']
    expect(await main([...armed, '--json', json, '--data-dir', join(dir, 'ws')], { stdout: articulated.out, stderr: articulated.err }), articulated.err.text).toBe(0)
    expect(articulated.err.text.match(/training semagic\S* on quadruped, seed 0 \(run [^)]+\)/g)).toEqual([expect.stringMatching(/^training semagic\+art2 .*run quadruped-semagic-art2-seed0-/)])
    const armedDoc = JSON.parse(readFileSync(json, 'utf8')) as { methods: Record<string, unknown> }
    // Each hybrid kind of --hybrids is a row beside each trained row, with its own val choice in the log.
    expect(Object.keys(armedDoc.methods)).toEqual(['nn-handmade', 'semagic', 'hybrid-semagic', 'hybrid-open-semagic', 'semagic+art2', 'hybrid-semagic+art2', 'hybrid-open-semagic+art2'])
    expect(articulated.err.text.match(/^quadruped, seed 0: hybrid-open: hybrid weight lambda = [\d.]+ chosen on/gm)).toHaveLength(2)
    const refused = sink()
    expect(await main(['bench', '--dataset', 'demo', '--variants', 'semagic', '--articulation', '0,x', '--data-dir', join(dir, 'ws')], { stdout: sink(), stderr: refused })).toBe(2)
    expect(refused.text).toMatch(/--articulation takes part counts 0..32/)
  })
})
