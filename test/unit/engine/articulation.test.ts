import { describe, expect, it } from 'vitest'
import { articulate, articulateBackward, articulationRig, mirrorAngles } from '../../../src/main/engine/model/articulation'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { MAX_ARTICULATION_PARTS, resolveConfig } from '../../../src/main/engine/model/config'
import { MAX_EVALUATIONS } from '../../../src/main/engine/gpu/view-batch'
import { DEFAULT_BATCH_SIZE, DEFAULT_HYPOTHESES, MAX_BATCH_SIZE, MAX_HYPOTHESES, MAX_ARTICULATION_PARTS as CONTRACT_MAX_PARTS, TrainConfig, modelLabel } from '../../../src/shared/ipc/channels/train'
import { createTemplate } from '../../../src/main/engine/template/template'
import { expectGradient } from './finite-difference'
import { expectMirrorImage } from './mirror-pose'

const template = createTemplate(2, [0.35, 0.7, 1])
const n = template.vertexCount

function distance(V: Float64Array, i: number, j: number): number {
  return Math.hypot(V[3 * i]! - V[3 * j]!, V[3 * i + 1]! - V[3 * j + 1]!, V[3 * i + 2]! - V[3 * j + 2]!)
}

describe('part articulation (METHOD §3)', () => {
  it.each([1, 2, 5, 6, 8])('splits the template into %i mirror-symmetric parts with skinning weights that sum to 1', (parts) => {
    const rig = articulationRig(template, parts)
    expect(rig.parts).toBe(parts)
    expect(rig.weightSums.every((w) => w > 0)).toBe(true)
    for (let p = 0; p < parts; p++) expect(rig.mirrorPart[rig.mirrorPart[p]!]).toBe(p)
    for (let i = 0; i < n; i++) {
      const row = rig.weights.subarray(parts * i, parts * (i + 1))
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
      const j = template.mirror[i]!
      for (let p = 0; p < parts; p++) expect(rig.weights[parts * j + rig.mirrorPart[p]!]).toBeCloseTo(row[p]!, 14)
    }
    // Deterministic: the same template gives the same parts.
    expect(articulationRig(template, parts).weights).toEqual(rig.weights)
  })

  it('poses the mirror image of a posed symmetric mesh with the mirrored angles (what the mirror camera sees)', () => {
    const rng = new SeededRandom(8)
    const rig = articulationRig(template, 6)
    const angles = Float64Array.from({ length: 18 }, () => 0.5 * rng.normal())
    const mirrored = new Float64Array(18)
    mirrorAngles(rig, angles, 0, mirrored, 0)
    expectMirrorImage(template, articulate(rig, template.rest, angles, 0).posed, articulate(rig, template.rest, mirrored, 0).posed)
    // Mirroring twice gives the angles back; without the signs only the parts swap.
    const back = new Float64Array(18)
    mirrorAngles(rig, mirrored, 0, back, 0)
    expect(back).toEqual(angles)
    const swapped = new Float64Array(18)
    mirrorAngles(rig, angles, 0, swapped, 0, false)
    expect(swapped.map(Math.abs)).toEqual(mirrored.map(Math.abs))
  })

  it('zero angles leave the mesh where it was', () => {
    const rig = articulationRig(template, 6)
    const { posed } = articulate(rig, template.rest, new Float64Array(18), 0)
    expect(posed).toEqual(template.rest)
  })

  it('with one part the pose is a rigid rotation about the mesh centroid', () => {
    const rig = articulationRig(template, 1)
    const angles = Float64Array.of(0.4, -0.7, 1.1)
    const { posed } = articulate(rig, template.rest, angles, 0)
    for (const [i, j] of [[0, 1], [5, 80], [17, 161]] as const) expect(distance(posed, i, j)).toBeCloseTo(distance(template.rest, i, j), 12)
    // The template is centred, so the centroid (the joint) stays at the origin.
    for (let k = 0; k < 3; k++) expect(posed.filter((_, q) => q % 3 === k).reduce((a, b) => a + b, 0) / n).toBeCloseTo(0, 12)
    // A quarter turn about z alone maps (x, y, z) to (-y, x, z).
    const quarter = articulate(rig, template.rest, Float64Array.of(0, 0, Math.PI / 2), 0).posed
    expect(quarter[0]).toBeCloseTo(-template.rest[1]!, 12)
    expect(quarter[1]).toBeCloseTo(template.rest[0]!, 12)
    expect(quarter[2]).toBeCloseTo(template.rest[2]!, 12)
  })

  it('gradients with respect to the vertices and the angles match finite differences (tolerance 1e-7 + 1e-4 relative)', () => {
    const rng = new SeededRandom(3)
    const rig = articulationRig(template, 5)
    const V = Float64Array.from(template.rest, (v) => v + 0.1 * rng.normal())
    const angles = Float64Array.from({ length: 2 + 15 }, () => 0.5 * rng.normal())
    const a = Float64Array.from({ length: 3 * n }, () => rng.normal())
    const loss = (): number => articulate(rig, V, angles, 2).posed.reduce((s, v, q) => s + a[q]! * v, 0)
    const gV = new Float64Array(3 * n)
    const gAngles = new Float64Array(angles.length)
    articulateBackward(rig, V, articulate(rig, V, angles, 2).tape, a, gV, gAngles, 2)
    expectGradient(loss, angles, [...angles.keys()], (i) => gAngles[i]!, 1e-6)
    expectGradient(loss, V, [0, 1, 2, 40, 77, 3 * n - 1], (i) => gV[i]!, 1e-6)
    // The two leading values are not angles and get nothing.
    expect([gAngles[0], gAngles[1]]).toEqual([0, 0])
  })

  it('refuses a part count the template cannot hold, in the rig and in the configuration', () => {
    expect(() => articulationRig(template, 0)).toThrow(/articulation parts/)
    expect(() => articulationRig(template, n + 1)).toThrow(/articulation parts/)
    expect(() => resolveConfig({ templateLevel: 0, articulation: { parts: 13 } })).toThrow(/articulation.parts is 13, more than the 12 vertices of a level-0 template/)
    expect(() => resolveConfig({ articulation: { parts: 33 } })).toThrow(/articulation.parts must be an integer in \[0, 32\]/)
    expect(() => resolveConfig({ articulation: { parts: 1.5 } })).toThrow(/articulation.parts must be an integer/)
    // The contract's limit is the engine's: a run the IPC schema accepts is one the engine takes.
    expect(CONTRACT_MAX_PARTS).toBe(MAX_ARTICULATION_PARTS)
    expect(TrainConfig.safeParse({ dataset: 'demo', category: 'bird', articulation: MAX_ARTICULATION_PARTS }).success).toBe(true)
    expect(TrainConfig.safeParse({ dataset: 'demo', category: 'bird', articulation: MAX_ARTICULATION_PARTS + 1 }).success).toBe(false)
  })

  it('keeps the contract\'s default batch and hypotheses the engine\'s, and names them in a run\'s label only when not the defaults', () => {
    expect(DEFAULT_BATCH_SIZE).toBe(resolveConfig({}).batchSize)
    expect(DEFAULT_HYPOTHESES).toBe(resolveConfig({}).hypotheses)
    const config = TrainConfig.parse({ dataset: 'demo', category: 'bird' })
    expect([config.batchSize, config.hypotheses]).toEqual([DEFAULT_BATCH_SIZE, DEFAULT_HYPOTHESES])
    expect(modelLabel(config)).toBe('semagic')
    expect(modelLabel({ ...config, articulation: 6, batchSize: 64 })).toBe('semagic+art6+b64')
    expect(modelLabel({ ...config, hypotheses: 16 })).toBe('semagic+h16')
    expect(TrainConfig.safeParse({ dataset: 'demo', category: 'bird', batchSize: 0 }).success).toBe(false)
    expect(TrainConfig.safeParse({ dataset: 'demo', category: 'bird', hypotheses: MAX_HYPOTHESES + 1 }).success).toBe(false)
    // Any run the contract accepts is one the GPU engine can score in one submission.
    expect(MAX_BATCH_SIZE * MAX_HYPOTHESES * 2).toBeLessThanOrEqual(MAX_EVALUATIONS)
  })
})
