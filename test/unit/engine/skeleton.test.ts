import { describe, expect, it } from 'vitest'
import { articulate, articulateBackward, mirrorAngles } from '../../../src/main/engine/model/articulation'
import { articulatedParts, instanceSize, resolveConfig } from '../../../src/main/engine/model/config'
import { LIMB_BONES, skeletonRig } from '../../../src/main/engine/model/skeleton'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { createTemplate } from '../../../src/main/engine/template/template'
import { expectGradient } from './finite-difference'
import { expectMirrorImage } from './mirror-pose'

const template = createTemplate(2, [0.35, 0.7, 1])
const n = template.vertexCount

describe('skeleton rig (METHOD §3: spine bones, legs and wings as chains)', () => {
  it('lays out the spine and six limbs, mirror-symmetric, parents before children, weights summing to 1', () => {
    const rig = skeletonRig(template, 8)
    expect(rig.parts).toBe(8 + LIMB_BONES)
    expect(LIMB_BONES).toBe(4 * 3 + 2 * 2)
    // The two spine chains start at the root joint; every other bone hangs from an earlier one.
    expect([...rig.parent].filter((p) => p < 0)).toHaveLength(2)
    rig.parent.forEach((p, b) => expect(p).toBeLessThan(b))
    // Limbs hang from the spine (bones 0-7) or from their own chain, and their mirrors from the parents' mirrors.
    for (let b = 0; b < rig.parts; b++) {
      expect(rig.mirrorPart[rig.mirrorPart[b]!]).toBe(b)
      const p = rig.parent[b]!
      if (p >= 0) expect(rig.parent[rig.mirrorPart[b]!]).toBe(rig.mirrorPart[p])
    }
    expect([...rig.mirrorPart.subarray(0, 8)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect([...rig.mirrorPart.subarray(8)].every((m, k) => m !== k + 8)).toBe(true)
    for (let i = 0; i < n; i++) {
      const row = rig.weights.subarray(rig.parts * i, rig.parts * (i + 1))
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
      const j = template.mirror[i]!
      for (let b = 0; b < rig.parts; b++) expect(rig.weights[rig.parts * j + rig.mirrorPart[b]!]).toBeCloseTo(row[b]!, 14)
    }
    for (let b = 0; b < rig.parts; b++) expect(rig.jointWeights.subarray(b * n, (b + 1) * n).reduce((a, c) => a + c, 0)).toBeCloseTo(1, 12)
  })

  it('puts each joint exactly where the layout does on the template: the spine\'s on the forward axis, evenly spaced', () => {
    const rig = skeletonRig(template, 8)
    let c = 0
    for (let i = 0; i < n; i++) c = Math.max(c, Math.abs(template.rest[3 * i + 2]!))
    const joint = (b: number): number[] => [0, 1, 2].map((k) => rig.jointWeights.subarray(b * n, (b + 1) * n).reduce((s, w, i) => s + w * template.rest[3 * i + k]!, 0))
    // Bones 0-3 run from the middle joint (4 of 0-8) to the head, bones 4-7 from it to the tail.
    for (let b = 0; b < 8; b++) {
      const k = b < 4 ? 4 + b : 4 - (b - 4)
      const [x, y, z] = joint(b)
      expect([x, y]).toEqual([expect.closeTo(0, 12), expect.closeTo(0, 12)])
      expect(z).toBeCloseTo(c * (-0.9 + (1.8 * k) / 8), 12)
    }
    // The legs hang from joints 2 and 6, the wings from joint 5, all on the axis.
    const limbRoots = [8, 11, 14, 17, 20, 22].map((b) => joint(b)[2]! / c)
    for (const [z, k] of limbRoots.map((z, q) => [z, [2, 2, 6, 6, 5, 5][q]!] as const)) expect(z).toBeCloseTo(-0.9 + (1.8 * k) / 8, 12)
  })

  it('zero angles leave the mesh where it was', () => {
    const rig = skeletonRig(template, 8)
    const { posed } = articulate(rig, template.rest, new Float64Array(3 * rig.parts), 0)
    for (let q = 0; q < 3 * n; q++) expect(posed[q]).toBeCloseTo(template.rest[q]!, 14)
  })

  it('a bone carries its chain: turning a leg\'s first bone moves its foot, turning the foot\'s bone moves only what it skins', () => {
    const rig = skeletonRig(template, 8)
    // The first leg: bones 8, 9, 10 (hip, knee, foot), each the parent of the next.
    expect([rig.parent[9], rig.parent[10]]).toEqual([8, 9])
    const mostlyOn = (b: number): number => {
      let best = -1
      for (let i = 0; i < n; i++) if (best < 0 || rig.weights[i * rig.parts + b]! > rig.weights[best * rig.parts + b]!) best = i
      return best
    }
    const foot = mostlyOn(10)
    // A vertex the foot's bone does not skin: on the other side, far from it.
    let away = 0
    for (let i = 0; i < n; i++) if (rig.weights[i * rig.parts + 10]! < rig.weights[away * rig.parts + 10]!) away = i
    expect(rig.weights[away * rig.parts + 10]).toBeLessThan(1e-6)
    const moved = (bone: number, i: number): number => {
      const angles = new Float64Array(3 * rig.parts)
      angles[3 * bone] = 0.6
      const { posed } = articulate(rig, template.rest, angles, 0)
      return Math.hypot(posed[3 * i]! - template.rest[3 * i]!, posed[3 * i + 1]! - template.rest[3 * i + 1]!, posed[3 * i + 2]! - template.rest[3 * i + 2]!)
    }
    expect(moved(8, foot)).toBeGreaterThan(0.05)
    expect(moved(10, foot)).toBeGreaterThan(0.01)
    expect(moved(10, away)).toBeLessThan(1e-6)
  })

  it('poses the mirror image of a posed symmetric mesh with the mirrored angles', () => {
    const rng = new SeededRandom(5)
    const rig = skeletonRig(template, 4)
    const m = 3 * rig.parts
    const angles = Float64Array.from({ length: m }, () => 0.4 * rng.normal())
    const mirrored = new Float64Array(m)
    mirrorAngles(rig, angles, 0, mirrored, 0)
    expectMirrorImage(template, articulate(rig, template.rest, angles, 0).posed, articulate(rig, template.rest, mirrored, 0).posed)
  })

  it('gradients with respect to the vertices and the angles match finite differences (tolerance 1e-7 + 1e-4 relative)', () => {
    const rng = new SeededRandom(11)
    const rig = skeletonRig(template, 4)
    const V = Float64Array.from(template.rest, (v) => v + 0.1 * rng.normal())
    const angles = Float64Array.from({ length: 3 + 3 * rig.parts }, () => 0.5 * rng.normal())
    const a = Float64Array.from({ length: 3 * n }, () => rng.normal())
    const loss = (): number => articulate(rig, V, angles, 3).posed.reduce((s, v, q) => s + a[q]! * v, 0)
    const gV = new Float64Array(3 * n)
    const gAngles = new Float64Array(angles.length)
    articulateBackward(rig, V, articulate(rig, V, angles, 3).tape, a, gV, gAngles, 3)
    expectGradient(loss, angles, [...angles.keys()].slice(3), (i) => gAngles[i]!, 1e-6)
    expectGradient(loss, V, [0, 1, 2, 40, 77, 301, 3 * n - 1], (i) => gV[i]!, 1e-6)
    expect([gAngles[0], gAngles[1], gAngles[2]]).toEqual([0, 0, 0])
  })

  it('is configured as articulation.rig, counts its bones in the code row and refuses an odd spine', () => {
    const config = resolveConfig({ articulation: { parts: 8, rig: 'skeleton' } })
    expect(articulatedParts(config)).toBe(8 + LIMB_BONES)
    expect(instanceSize(config)).toBe(config.codeDims + 3 * (8 + LIMB_BONES))
    expect(articulatedParts(resolveConfig({ articulation: { parts: 6 } }))).toBe(6)
    expect(articulatedParts(resolveConfig({ articulation: { rig: 'skeleton' } }))).toBe(0)
    expect(() => resolveConfig({ articulation: { parts: 5, rig: 'skeleton' } })).toThrow(/spine bones, which must be even/)
    expect(() => resolveConfig({ articulation: { parts: 2, rig: 'skeleton' } })).toThrow(/and at least 4, got 2/)
    expect(() => resolveConfig({ articulation: { parts: 4, rig: 'bones' as 'skeleton' } })).toThrow(/articulation.rig must be 'clusters' or 'skeleton', got "bones"/)
    expect(() => skeletonRig(template, 3)).toThrow(/even integer of at least 4/)
    expect(() => skeletonRig(template, 2)).toThrow(/even integer of at least 4/)
  })
})
