import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Core } from '../../../src/main/core/create-core'
import { call, callError, openCore, scratch } from '../datasets/helpers'
import { runCli as cli } from '../../helpers/run-cli'

process.env.SEMAGIC_DEMO_SIZE = 'small'

async function quickRun(core: Core, variant: 'semagic' | 'baseline'): Promise<string> {
  const { jobId, runId } = await call(core, 'train.start', { dataset: 'demo', category: 'quadruped', variant, steps: 6, backbone: 'handmade' })
  await core.services.jobs.wait(jobId)
  return runId
}

describe('meshes of a trained run through the contract', () => {
  it('serves the canonical template, fits an image once, maps its keypoints to vertices and exports OBJ and glb', { timeout: 300_000 }, async () => {
    const core = openCore()
    await core.services.demo.ensure()
    const runId = await quickRun(core, 'semagic')

    const canon = await call(core, 'meshes.canonical', { runId })
    expect(canon).toMatchObject({ runId, category: 'quadruped', variant: 'semagic', vertexCount: 642, faceCount: 1280, featureSource: 'per-vertex', featureHead: 8 })
    expect(canon.vertices).toHaveLength(3 * 642)
    expect(canon.faces).toHaveLength(3 * 1280)
    expect(canon.pcaColours).toHaveLength(3 * 642)
    expect(canon.features).toHaveLength(8 * 642)
    expect(canon.deformation.every((d) => d === 0)).toBe(true)
    expect(canon.pcaColours.every((c) => c >= 0 && c <= 1)).toBe(true)
    // Each PCA channel spans the range: the colours are not flat.
    for (let k = 0; k < 3; k++) {
      const ch = canon.pcaColours.filter((_, q) => q % 3 === k)
      expect(Math.min(...ch)).toBe(0)
      expect(Math.max(...ch)).toBe(1)
    }

    const page = await call(core, 'datasets.images', { name: 'demo', category: 'quadruped', split: 'test', limit: 1 })
    const { category, stem, width, height } = page.items[0]!
    const request = { runId, dataset: 'demo', image: { category, stem } }
    const first = await call(core, 'meshes.instance', request)
    expect(first.fit.cache).toBe('miss')
    expect(first).toMatchObject({ vertexCount: 642, dataset: 'demo', image: { category, stem, width, height } })
    expect(first.visible).toHaveLength(642)
    expect(first.visible.filter((v) => v === 1).length).toBeGreaterThan(50)
    expect(first.projected).toHaveLength(2 * 642)
    expect(first.deformation.some((d) => d > 0)).toBe(true)
    // Visible vertices project onto (or next to) the image.
    const xs = first.projected.filter((_, q) => q % 2 === 0 && first.visible[q / 2] === 1)
    const ys = first.projected.filter((_, q) => q % 2 === 1 && first.visible[(q - 1) / 2] === 1)
    expect(Math.min(...xs)).toBeGreaterThan(-0.5 * width)
    expect(Math.max(...xs)).toBeLessThan(1.5 * width)
    expect(Math.min(...ys)).toBeGreaterThan(-0.5 * height)
    expect(Math.max(...ys)).toBeLessThan(1.5 * height)
    expect(first.camera.rotation).toHaveLength(9)
    // Every annotated keypoint lands on a vertex of the fitted mesh.
    const detail = await call(core, 'datasets.image', { name: 'demo', category, stem })
    expect(first.keypoints.map((k) => k.id)).toEqual(detail.keypoints.flatMap((k, id) => (k ? [id] : [])))
    expect(first.keypoints.length).toBeGreaterThan(0)
    for (const k of first.keypoints) expect(k.vertex).toEqual(expect.any(Number))

    const again = await call(core, 'meshes.instance', request)
    expect(again.fit.cache).toBe('hit')
    expect(again.projected).toEqual(first.projected)
    expect(again.keypoints).toEqual(first.keypoints)
    const rows = core.store.db.prepare('SELECT COUNT(*) AS n FROM mesh_fits').get() as { n: number }
    expect(rows.n).toBe(1)

    const dir = scratch()
    const obj = await call(core, 'meshes.export', { ...request, format: 'obj', out: join(dir, 'instance.obj') })
    expect(obj).toMatchObject({ format: 'obj', vertexCount: 642, faceCount: 1280, base64: null, suggestedName: `${runId}-quadruped-${stem}.obj` })
    const text = readFileSync(join(dir, 'instance.obj'), 'utf8')
    expect(text.split('\n').filter((l) => l.startsWith('v '))).toHaveLength(642)
    expect(text.split('\n').filter((l) => l.startsWith('f '))).toHaveLength(1280)
    const glb = await call(core, 'meshes.export', { runId, format: 'glb' })
    expect(glb.file).toBeNull()
    const bytes = Buffer.from(glb.base64!, 'base64')
    expect(bytes.length).toBe(glb.bytes)
    expect(bytes.subarray(0, 4).toString()).toBe('glTF')
    expect(glb.suggestedName).toBe(`${runId}-canonical.glb`)

    // The command line: the cached fit, a glb named by --out's extension.
    const file = join(dir, 'cli.glb')
    const done = await cli('mesh', 'export', '--run', runId, '--dataset', 'demo', '--image', `${category}/${stem}`, '--out', file, '--json', '--data-dir', core.dataDir)
    expect(done.stderr).not.toMatch(/error/)
    expect(done.code).toBe(0)
    expect(JSON.parse(done.stdout)).toEqual({ file, format: 'glb', bytes: readFileSync(file).length, vertices: 642, faces: 1280 })
    expect(readFileSync(file).subarray(0, 4).toString()).toBe('glTF')
    expect((core.store.db.prepare('SELECT COUNT(*) AS n FROM mesh_fits').get() as { n: number }).n).toBe(1)
    const usage = await cli('mesh', 'export', '--run', runId, '--out', join(dir, 'x.ply'), '--data-dir', core.dataDir)
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringMatching(/--format: expected obj or glb \(or an --out ending in \.obj or \.glb\)/) })
    const missing = await cli('mesh', 'export', '--run', 'no-such-run', '--out', join(dir, 'x.obj'), '--data-dir', core.dataDir)
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/training run no-such-run not found/) })

    // Bad requests name the field at fault.
    expect(await callError(core, 'meshes.export', { runId, format: 'ply' })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/format/) })
    expect(await callError(core, 'meshes.export', { runId, dataset: 'demo', format: 'obj' })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/image: dataset and image go together/) })
    expect(await callError(core, 'meshes.export', { runId, format: 'obj', out: 'relative.obj' })).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/^out: must be an absolute path/) })
    expect(await callError(core, 'meshes.instance', { runId, dataset: 'demo', image: { category: 'bird', stem } })).toMatchObject({ code: expect.stringMatching(/BAD_INPUT|NOT_FOUND/) })
    const bird = (await call(core, 'datasets.images', { name: 'demo', category: 'bird', limit: 1 })).items[0]!
    expect(await callError(core, 'meshes.instance', { runId, dataset: 'demo', image: { category: 'bird', stem: bird.stem } })).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/^image: run .* models category "quadruped"/),
    })
    expect(await callError(core, 'meshes.canonical', { runId: 'no-such-run' })).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('evaluates the feature field at the vertices for the baseline', { timeout: 300_000 }, async () => {
    const core = openCore()
    await core.services.demo.ensure()
    const runId = await quickRun(core, 'baseline')
    const canon = await call(core, 'meshes.canonical', { runId })
    expect(canon).toMatchObject({ variant: 'baseline', featureSource: 'field' })
    const stem = (await call(core, 'datasets.images', { name: 'demo', category: 'quadruped', split: 'test', limit: 1 })).items[0]!.stem
    const inst = await call(core, 'meshes.instance', { runId, dataset: 'demo', image: { category: 'quadruped', stem } })
    // The field is read at the deformed positions, so the instance's features differ from the canonical ones.
    expect(inst.features).toHaveLength(canon.features.length)
    expect(inst.features).not.toEqual(canon.features)
    expect(inst.pcaColours.every((c) => c >= 0 && c <= 1)).toBe(true)
  })
})
