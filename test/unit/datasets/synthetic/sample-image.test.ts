import { describe, expect, it } from 'vitest'
import { projectPoints } from '../../../../src/main/engine/render/camera'
import { mat3Apply, mat3Transpose } from '../../../../src/main/engine/render/mat3'
import type { Vec3 } from '../../../../src/main/engine/render/mat3'
import { rasterise } from '../../../../src/main/engine/render/rasterise'
import { annotateKeypoints, maskBBox, touchesBorder } from '../../../../src/main/datasets/synthetic/annotate'
import { CATEGORIES, findCategory } from '../../../../src/main/datasets/synthetic/categories/index'
import { plain } from '../../../../src/main/datasets/synthetic/materials'
import type { Material } from '../../../../src/main/datasets/synthetic/materials'
import { MeshBuilder } from '../../../../src/main/datasets/synthetic/mesh-builder'
import { addBox } from '../../../../src/main/datasets/synthetic/primitives'
import { Rng } from '../../../../src/main/datasets/synthetic/random'
import { renderScene } from '../../../../src/main/datasets/synthetic/render-scene'
import { sampleImage } from '../../../../src/main/datasets/synthetic/sample-image'
import type { SampledImage } from '../../../../src/main/datasets/synthetic/sample-image'
import type { SceneSpec } from '../../../../src/main/datasets/synthetic/scene'

const PER_CATEGORY = 10
const samples: SampledImage[] = CATEGORIES.flatMap((c) => Array.from({ length: PER_CATEGORY }, (_, i) => sampleImage(c, ['test', c.name, i])))

/** The scene rasterised again from scratch: object alone, occluders alone. */
function independentRender(s: SampledImage): { object: ReturnType<typeof rasterise>; occluders: ReturnType<typeof rasterise> | null } {
  const { width, height, camera, occluders } = s.scene
  return {
    object: rasterise(s.model.mesh.positions, s.model.mesh.faces, camera, width, height),
    occluders: occluders === null ? null : rasterise(occluders.mesh.positions, occluders.mesh.faces, camera, width, height),
  }
}

describe('procedural categories', () => {
  it.each(CATEGORIES.map((c) => [c.name, c] as const))('%s has 12-20 distinct keypoints with left/right twins', (_, category) => {
    const names = category.keypointNames
    expect(names.length).toBeGreaterThanOrEqual(12)
    expect(names.length).toBeLessThanOrEqual(20)
    expect(new Set(names).size).toBe(names.length)
    const left = names.filter((n) => n.startsWith('left_'))
    expect(left.length).toBeGreaterThanOrEqual(4)
    for (const n of left) expect(names).toContain(n.replace(/^left_/, 'right_'))
  })

  it.each(CATEGORIES.map((c) => [c.name, c] as const))('%s varies from instance to instance', (_, category) => {
    const rng = new Rng('variation', category.name)
    const models = [category.build(rng), category.build(rng), category.build(rng)]
    const extents = models.map((m) => Math.max(...m.mesh.positions) - Math.min(...m.mesh.positions))
    expect(new Set(extents).size).toBe(3)
    const base = models.map((m) => (m.materials[0] as Material).base.join(','))
    expect(new Set(base).size).toBeGreaterThan(1)
    expect(models[0]!.keypoints).toHaveLength(category.keypointNames.length)
  })

  it('rejects unknown category names', () => {
    expect(() => findCategory('unicorn')).toThrow(/unknown synthetic category/)
  })
})

describe('sampled images', () => {
  it('puts every annotated keypoint on one of its own parts, never under an occluder', () => {
    let annotated = 0
    for (const s of samples) {
      const { object, occluders } = independentRender(s)
      s.facts.keypoints.forEach((k, id) => {
        if (k === null) return
        annotated++
        const p = k[1] * s.scene.width + k[0]
        const face = object.faceId[p]!
        expect(face, `${s.model.partNames.length} parts, keypoint ${id}`).toBeGreaterThanOrEqual(0)
        expect(s.model.keypoints[id]!.parts).toContain(s.model.mesh.faceParts[face]!)
        if (occluders !== null) expect(occluders.depth[p]!).toBeGreaterThanOrEqual(object.depth[p]!)
      })
    }
    expect(annotated).toBeGreaterThan(samples.length * 5)
  })

  it('nulls keypoints outside the image and some hidden by the object itself', () => {
    let outside = 0
    let selfHidden = 0
    for (const s of samples) {
      const points = Float32Array.from(s.model.keypoints.flatMap((k) => [...k.position]))
      const projected = projectPoints(points, s.scene.camera, s.scene.width, s.scene.height)
      const { object } = independentRender(s)
      s.model.keypoints.forEach((k, id) => {
        const x = projected[3 * id]!
        const y = projected[3 * id + 1]!
        if (!(x >= 0 && y >= 0 && x < s.scene.width && y < s.scene.height)) {
          expect(s.facts.keypoints[id]).toBeNull()
          outside++
          return
        }
        const p = Math.floor(y) * s.scene.width + Math.floor(x)
        const face = object.faceId[p]!
        // On its own part's pixels but far behind the visible surface: the far side of the object.
        if (face >= 0 && k.parts.includes(s.model.mesh.faceParts[face]!) && projected[3 * id + 2]! - object.depth[p]! > k.tolerance) {
          expect(s.facts.keypoints[id]).toBeNull()
          selfHidden++
        }
      })
    }
    expect(outside).toBeGreaterThan(0)
    expect(selfHidden).toBeGreaterThan(0)
  })

  it('masks the object coverage minus what occluders hide, and boxes it tightly', () => {
    let occludedPixels = 0
    for (const s of samples) {
      const { object, occluders } = independentRender(s)
      const { width, height } = s.scene
      const expected = new Uint8Array(width * height)
      const coverage = new Uint8Array(width * height)
      for (let p = 0; p < expected.length; p++) {
        coverage[p] = object.faceId[p]! >= 0 ? 1 : 0
        const hidden = occluders !== null && occluders.depth[p]! < object.depth[p]!
        expected[p] = coverage[p] && !hidden ? 255 : 0
        if (coverage[p] && hidden) occludedPixels++
      }
      expect(Buffer.from(s.rendered.mask).equals(Buffer.from(expected))).toBe(true)
      expect(s.facts.bbox).toEqual(maskBBox(expected, width, height))
      expect(s.facts.truncated).toBe(touchesBorder(coverage, width, height))
    }
    expect(occludedPixels).toBeGreaterThan(0)
  })

  it('is a function of its key', () => {
    const a = sampleImage(findCategory('bird'), ['same', 7])
    const b = sampleImage(findCategory('bird'), ['same', 7])
    const c = sampleImage(findCategory('bird'), ['same', 8])
    expect(Buffer.from(a.rendered.rgba).equals(Buffer.from(b.rendered.rgba))).toBe(true)
    expect(a.facts).toEqual(b.facts)
    expect(Buffer.from(a.rendered.rgba).equals(Buffer.from(c.rendered.rgba))).toBe(false)
  })
})

describe('visibility at an occluder edge', () => {
  /** A thin camera-facing box halfway to the keypoint, covering image columns up to `edgeX`. */
  function withWall(scene: SceneSpec, keypoint: readonly [number, number], depth: number, edgeX: number): SceneSpec {
    const { camera } = scene
    const d = depth / 2
    const toCamera = (u: number, v: number): Vec3 => [((u - camera.cx) / camera.fx) * d, ((v - camera.cy) / camera.fy) * d, d]
    const left = toCamera(edgeX - 80, keypoint[1] - 60)
    const right = toCamera(edgeX, keypoint[1] + 60)
    const centreCamera: Vec3 = [(left[0] + right[0]) / 2, (left[1] + right[1]) / 2, d]
    const toWorld = mat3Transpose(camera.rotation)
    const t = camera.translation
    const centre = mat3Apply(toWorld, [centreCamera[0] - t[0], centreCamera[1] - t[1], centreCamera[2] - t[2]])
    const mesh = new MeshBuilder()
    addBox(mesh, 0, { origin: centre, rotation: toWorld }, [(right[0] - left[0]) / 2, (right[1] - left[1]) / 2, 0.01 * d])
    return { ...scene, occluders: { mesh: mesh.build(), materials: [plain([0.5, 0.5, 0.5])] } }
  }

  it('hides a keypoint two pixels behind the edge and keeps one two pixels beside it', () => {
    let checked = 0
    for (const s of samples.slice(0, 6)) {
      const clear: SceneSpec = { ...s.scene, occluders: null }
      const background = new Float32Array(clear.width * clear.height * 3)
      const visible = annotateKeypoints(s.model, clear, renderScene(s.model, clear, background, 0))
      const id = visible.findIndex((k) => k !== null)
      if (id < 0) continue
      const k = visible[id]!
      const depth = projectPoints(Float32Array.from(s.model.keypoints[id]!.position), clear.camera, clear.width, clear.height)[2]!
      // The keypoint lies in pixel column k[0], spanning [k[0], k[0] + 1).
      const beside = withWall(clear, k, depth, k[0] - 2)
      const behind = withWall(clear, k, depth, k[0] + 3)
      expect(annotateKeypoints(s.model, beside, renderScene(s.model, beside, background, 0))[id]).toEqual(k)
      expect(annotateKeypoints(s.model, behind, renderScene(s.model, behind, background, 0))[id]).toBeNull()
      checked++
    }
    expect(checked).toBeGreaterThanOrEqual(5)
  })
})
