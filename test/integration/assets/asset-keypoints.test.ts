import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { call, openCore, scratch } from '../datasets/helpers'

const FOX = join(__dirname, '../../../resources/assets/fox/Fox.glb')

describe('assets.open and assets.saveKeypoints', () => {
  it('opens an asset in its rest pose, saves a keypoint file beside it and reads it back', async () => {
    const core = openCore()
    const dir = scratch()
    const asset = join(dir, 'Fox.glb')
    copyFileSync(FOX, asset)
    const view = await call(core, 'assets.open', { path: asset })
    expect(view.primitives.map((p) => [p.mesh, p.primitive, p.vertexCount])).toEqual([['fox1', 0, 1728]])
    expect(view.primitives[0]!.colours).toHaveLength(3 * 1728)
    expect(view.animations.map((a) => a.name)).toEqual(['Survey', 'Walk', 'Run'])
    expect(view.keypointsPath).toBe(join(dir, 'Fox.keypoints.json'))
    expect(view.keypoints).toBeNull()

    const file = { asset: 'ignored.glb', mesh: 'fox1', primitive: 0, keypoints: [{ name: 'nose', vertex: 29 }, { name: 'tail_tip', vertex: 117 }], mirror: {}, credits: [] }
    const out = join(dir, 'sub-folder-less.json')
    const saved = await call(core, 'assets.saveKeypoints', { path: out, assetPath: asset, file })
    expect(saved).toEqual({ path: out, keypoints: 2 })
    // The asset is named relative to the keypoint file.
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ asset: 'Fox.glb', keypoints: file.keypoints })

    await call(core, 'assets.saveKeypoints', { path: view.keypointsPath, assetPath: asset, file })
    const reopened = await call(core, 'assets.open', { path: asset })
    expect(reopened.keypoints?.keypoints).toEqual(file.keypoints)
    expect(reopened.keypointsError).toBeNull()
  })

  it('refuses a vertex beyond the mesh without writing, and reports a broken file beside the asset', async () => {
    const core = openCore()
    const dir = scratch()
    const asset = join(dir, 'Fox.glb')
    copyFileSync(FOX, asset)
    const path = join(dir, 'Fox.keypoints.json')
    const r = await core.registry.invoke(
      'assets.saveKeypoints',
      { path, assetPath: asset, file: { asset: 'Fox.glb', mesh: 'fox1', keypoints: [{ name: 'nose', vertex: 5000 }] } },
      { transport: 'test' },
    )
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('BAD_INPUT')
      expect(r.error.message).toMatch(/Fox\.keypoints\.json: keypoints\[0\]\.vertex: 5000 is beyond the 1728 vertices/)
    }
    writeFileSync(path, JSON.stringify({ asset: 'Fox.glb', mesh: 'fox1', keypoints: [{ name: 'nose', vertex: 1 }, { name: 'nose', vertex: 2 }] }))
    const view = await call(core, 'assets.open', { path: asset })
    expect(view.keypoints).toBeNull()
    expect(view.keypointsError).toMatch(/Fox\.keypoints\.json: keypoints\[1\]\.name: "nose" is already keypoints\[0\]'s name/)
    const missing = await core.registry.invoke('assets.open', { path: join(dir, 'none.glb') }, { transport: 'test' })
    expect(!missing.ok && missing.error.message).toMatch(/none\.glb: cannot read the asset \(ENOENT\)/)
  })
})
