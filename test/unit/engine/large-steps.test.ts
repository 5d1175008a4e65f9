import { describe, expect, it } from 'vitest'
import { Param } from '../../../src/main/engine/math/adam'
import { largeStep, smoothingProduct, solveSmoothing } from '../../../src/main/engine/train/large-steps'
import { createTemplate } from '../../../src/main/engine/template/template'
import { engineDeviceChoice } from '../../../src/main/engine/gpu/engine-support'
import { resolveConfig } from '../../../src/main/engine/model/config'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { runTraining, startTraining, trainStep } from '../../../src/main/engine/train/train-category'
import type { EngineConfigInput } from '../../../src/main/engine/model/config'
import { renderView, syntheticObject } from './synthetic-views'

const template = createTemplate(3)
const n = template.vertexCount

/** |L d|^2 / |d|^2 of a per-vertex field: how much of a displacement is high frequency. */
function roughness(d: Float64Array): number {
  const l = smoothingProduct(template, 1, d)
  let num = 0
  let den = 0
  for (let i = 0; i < d.length; i++) {
    num += (l[i]! - d[i]!) ** 2
    den += d[i]! ** 2
  }
  return num / den
}

/** The shape's and the basis's change over one training step on rendered views, from one start. */
function oneStep(config: EngineConfigInput): { shape: Float64Array; basis: Float64Array } {
  const object = syntheticObject(3, true)
  const rng = new SeededRandom(4)
  const images = Array.from({ length: 4 }, (_, k) => ({ key: `view-${k}`, ...renderView(object, [(2 * rng.next() - 1) * Math.PI, 0.25, 0, Math.log(0.6), 0, 0]) }))
  const { state, targets } = startTraining({ images }, { steps: 1, batchSize: 4, hypotheses: 2, templateLevel: 3, ...config })
  const shape0 = Float64Array.from(state.model.shape.value)
  const basis0 = Float64Array.from(state.model.basis!.value)
  trainStep(state, targets)
  return { shape: Float64Array.from(state.model.shape.value, (x, i) => x - shape0[i]!), basis: Float64Array.from(state.model.basis!.value, (x, i) => x - basis0[i]!) }
}

function spike(vertex: number): Float64Array {
  const g = new Float64Array(3 * n)
  g[3 * vertex + 1] = 1
  return g
}

describe('the large-steps update of the canonical shape and the deformation basis', () => {
  it('the solve inverts I + lambda L to the tolerance', () => {
    const b = Float64Array.from({ length: 3 * n }, (_, i) => Math.sin(1.7 * i) + 0.3 * Math.cos(0.11 * i))
    const x = solveSmoothing(template, 30, b)
    const back = smoothingProduct(template, 30, x)
    let worst = 0
    for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(back[i]! - b[i]!))
    expect(worst).toBeLessThan(1e-9)
  })

  it('the product is I + lambda (D - A) by hand at one vertex', () => {
    const x = Float64Array.from({ length: 3 * n }, (_, i) => i % 7)
    const i = 5
    const s = template.neighbourStart[i]!
    const e = template.neighbourStart[i + 1]!
    let sum = 0
    for (let k = s; k < e; k++) sum += x[3 * template.neighbours[k]! + 2]!
    expect(smoothingProduct(template, 2, x)[3 * i + 2]).toBeCloseTo(x[3 * i + 2]! + 2 * ((e - s) * x[3 * i + 2]! - sum), 12)
  })

  it('on the basis\'s rows (vertex, xyz, k) it smooths each column as it smooths a shape', () => {
    const K = 2
    const basis = Float64Array.from({ length: 3 * n * K }, (_, i) => Math.cos(0.37 * i))
    const product = smoothingProduct(template, 3, basis)
    const solved = solveSmoothing(template, 3, basis)
    for (let k = 0; k < K; k++) {
      const column = Float64Array.from({ length: 3 * n }, (_, q) => basis[q * K + k]!)
      const columnProduct = smoothingProduct(template, 3, column)
      const columnSolved = solveSmoothing(template, 3, column)
      for (let q = 0; q < 3 * n; q++) {
        expect(product[q * K + k]).toBeCloseTo(columnProduct[q]!, 12)
        expect(solved[q * K + k]).toBeCloseTo(columnSolved[q]!, 9)
      }
    }
  })

  it('with lambda 0 it is uniform Adam: the first step moves each entry by lr x its gradient over the largest', () => {
    const p = new Param('shape', Float32Array.from(template.rest), 0.01)
    const g = Float64Array.from({ length: 3 * n }, (_, i) => ((i * 37) % 11) - 5)
    p.grad.set(g)
    largeStep(p, template, 0)
    for (let i = 0; i < 3 * n; i++) expect(p.value[i]! - template.rest[i]!).toBeCloseTo((-0.01 * g[i]!) / 5, 6)
    expect(p.grad.every((x) => x === 0)).toBe(true)
    expect(p.steps[0]).toBe(1)
  })

  it('a gradient on one vertex moves its neighbours with it, where per-vertex Adam moves it alone', () => {
    const vertex = 100
    const neighbour = template.neighbours[template.neighbourStart[vertex]!]!
    const moved = (lambda: number | null): [number, number] => {
      const p = new Param('shape', Float32Array.from(template.rest), 0.01)
      const start = Float32Array.from(p.value)
      p.grad.set(spike(vertex))
      if (lambda === null) p.step()
      else largeStep(p, template, lambda)
      return [p.value[3 * vertex + 1]! - start[3 * vertex + 1]!, p.value[3 * neighbour + 1]! - start[3 * neighbour + 1]!]
    }
    const [ownAdam, neighbourAdam] = moved(null)
    expect(ownAdam).toBeCloseTo(-0.01, 6)
    expect(neighbourAdam).toBe(0)
    const [own, near] = moved(30)
    expect(own).toBeLessThan(0)
    expect(near).toBeLessThan(0)
    expect(near / own).toBeGreaterThan(0.5)
  })

  it('a smooth gradient passes nearly whole: a uniform push moves every vertex by the learning rate', () => {
    const p = new Param('shape', Float32Array.from(template.rest), 0.01)
    for (let i = 0; i < n; i++) p.grad[3 * i] = 1
    largeStep(p, template, 30)
    for (let i = 0; i < n; i++) expect(p.value[3 * i]! - template.rest[3 * i]!).toBeCloseTo(-0.01, 6)
  })

  it('a high-frequency push is damped: alternating signs move the vertices far less than the learning rate', () => {
    const p = new Param('shape', Float32Array.from(template.rest), 0.01)
    const start = Float32Array.from(p.value)
    for (let i = 0; i < n; i++) p.grad[3 * i] = i % 2 ? 1 : -1
    largeStep(p, template, 30)
    let moved = 0
    for (let i = 0; i < n; i++) moved += Math.abs(p.value[3 * i]! - start[3 * i]!)
    expect(moved / n).toBeLessThan(0.002)
  })

  it('a gradient with NaN poisons the shape as per-vertex Adam does, rather than being dropped', () => {
    const p = new Param('shape', Float32Array.from(template.rest), 0.01)
    p.grad[7] = Number.NaN
    largeStep(p, template, 1)
    expect(p.value.some(Number.isNaN)).toBe(true)
  })

  it('a training step with the settings moves the shape and the basis smoothly, and without them does not', () => {
    const plain = oneStep({})
    const large = oneStep({ largeSteps: 10, largeStepsBasis: 10 })
    expect(roughness(large.shape)).toBeLessThan(0.2 * roughness(plain.shape))
    const K = resolveConfig().codeDims
    const basisColumn = (d: Float64Array, k: number): Float64Array => Float64Array.from({ length: 3 * n }, (_, q) => d[q * K + k]!)
    expect(roughness(basisColumn(large.basis, 0))).toBeLessThan(0.2 * roughness(basisColumn(plain.basis, 0)))
  })

  it.each([
    [{ largeSteps: 1 }, /large-steps update \(largeSteps 1, largeStepsBasis 0\) runs on the CPU engine only/],
    [{ frameSync: true }, /frame synchronisation \(frameSync\) runs on the CPU engine only/],
    [{ weights: { softSilhouette: 3 } }, /face-based silhouette \(weights\.softSilhouette 3\) runs on the CPU engine only/],
  ] as const)('the resident GPU trainer, which runs whole steps on the device, is refused for a CPU-only setting (%o)', async (setting, message) => {
    const object = syntheticObject(3, true)
    const images = [0, 1].map((k) => ({ key: `view-${k}`, ...renderView(object, [k, 0.25, 0, Math.log(0.6), 0, 0]) }))
    const { state, targets } = startTraining({ images }, { steps: 1, batchSize: 2, hypotheses: 2, templateLevel: 2, ...setting })
    let stepped = false
    const resident = { step: async () => ((stepped = true), {}), sync: async () => {} }
    await expect(runTraining(state, targets, { resident })).rejects.toThrow(message)
    expect(stepped).toBe(false)
  })

  it('largeStepsBasis is refused for a variant whose deformation is a field', () => {
    expect(() => resolveConfig({ variant: 'baseline', largeStepsBasis: 1 })).toThrow(/variant 'baseline' does not have/)
    expect(resolveConfig({ variant: 'semagic-ii', largeStepsBasis: 1 }).largeStepsBasis).toBe(1)
  })

  it('is refused by name on the GPU engine, and a negative lambda by the configuration', () => {
    expect(() => engineDeviceChoice('gpu', resolveConfig({ largeSteps: 10 }), 'training')).toThrow(/large-steps update \(largeSteps 10, largeStepsBasis 0\)/)
    expect(() => engineDeviceChoice('gpu', resolveConfig({ largeStepsBasis: 3 }), 'training')).toThrow(/largeStepsBasis 3\) runs on the CPU engine only/)
    expect(engineDeviceChoice('auto', resolveConfig({ largeSteps: 10 }), 'training')).toBe('cpu')
    expect(() => resolveConfig({ largeSteps: -1 })).toThrow(/largeSteps must be a non-negative number/)
    expect(() => resolveConfig({ largeStepsBasis: Number.NaN })).toThrow(/largeStepsBasis must be a non-negative number/)
  })
})
