import { describe, expect, it } from 'vitest'
import { fourierBackward, fourierEncode, fourierSize } from '../../../src/main/engine/math/fourier'
import { createMlp, mlpBackward, mlpForward } from '../../../src/main/engine/math/mlp'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { categoryBackward, categoryForward, categoryParams, createCategoryModel, instanceBackward, instanceForward } from '../../../src/main/engine/model/category-model'
import type { CategoryModel } from '../../../src/main/engine/model/category-model'
import { instanceSize, resolveConfig } from '../../../src/main/engine/model/config'
import type { EngineVariant } from '../../../src/main/engine/model/config'
import { laplacianEnergy } from '../../../src/main/engine/template/laplacian'
import { createTemplate } from '../../../src/main/engine/template/template'
import { expectGradient } from './finite-difference'

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0
  for (let q = 0; q < a.length; q++) s += a[q]! * b[q]!
  return s
}

describe('model gradients (plain JS)', () => {
  it('Laplacian energy (float64; tolerance 1e-7 + 1e-4 relative)', () => {
    const t = createTemplate(2)
    const rng = new SeededRandom(1)
    const x = Float64Array.from(t.rest, (v) => v + 0.05 * rng.normal())
    const grad = new Float64Array(x.length)
    laplacianEnergy(t, x, 2, grad)
    expectGradient(() => laplacianEnergy(t, x, 2, null), x, [0, 1, 2, 50, 151, 300, 485], (i) => grad[i]!, 1e-6)
  })

  it('Fourier encoding and MLP, with respect to inputs and weights (tolerance 1e-7 + 1e-4 relative)', () => {
    const rng = new SeededRandom(2)
    const L = 4
    const n = 7
    const mlp = createMlp({ name: 'm', sizes: [fourierSize(L), 16, 12, 5], lr: 0.01, rng })
    const points = Float64Array.from({ length: 3 * n }, () => rng.normal() * 0.5)
    const coeff = Float64Array.from({ length: 5 * n }, () => rng.normal())
    const f = (): number => dot(mlpForward(mlp, fourierEncode(points, n, L), n).out, coeff)
    const { tape } = mlpForward(mlp, fourierEncode(points, n, L), n)
    const dPoints = new Float64Array(points.length)
    fourierBackward(points, n, L, mlpBackward(mlp, tape, coeff), dPoints)
    expectGradient(f, points, [...points.keys()], (i) => dPoints[i]!, 1e-6)
    for (const layer of mlp.layers) {
      const w = layer.weight
      expectGradient(f, w.value, [0, 3, 17, w.value.length - 1], (i) => w.grad[i]!, 1e-3, 1e-3, 1e-5)
      expectGradient(f, layer.bias.value, [0, layer.outputs - 1], (i) => layer.bias.grad[i]!, 1e-3, 1e-3, 1e-5)
    }
  })

  it('a frozen MLP returns input gradients without touching its weight gradients', () => {
    const rng = new SeededRandom(4)
    const mlp = createMlp({ name: 'm', sizes: [3, 8, 2], lr: 0.01, rng })
    const { tape } = mlpForward(mlp, Float64Array.of(0.1, 0.2, 0.3), 1)
    const dx = mlpBackward(mlp, tape, Float64Array.of(1, -1), false)
    expect(dx.some((v) => v !== 0)).toBe(true)
    for (const l of mlp.layers) expect(l.weight.grad.every((v) => v === 0)).toBe(true)
  })

  // A random linear functional of everything an instance exposes: V, D = B z and the vertex features.
  function pipeline(variant: EngineVariant, parts = 0): { model: CategoryModel; z: Float32Array; loss: () => number; grads: () => Float64Array } {
    const rng = new SeededRandom(5)
    const config = resolveConfig({ variant, templateLevel: 2, codeDims: 3, deformationField: { frequencies: 3, hidden: [8] }, featureField: { frequencies: 3, hidden: [8] }, articulation: { parts } })
    const model = createCategoryModel(config, 4, [0.35, 0.7, 1], rng, null)
    // Non-zero deformation so that every path carries gradient.
    for (const p of categoryParams(model)) if (p.name !== 'shape') for (let q = 0; q < p.value.length; q++) p.value[q] = 0.3 * rng.normal()
    const n = model.template.vertexCount
    // The code row: z, then (with articulation) angles of a few tenths of a radian per part.
    const z = Float32Array.from({ length: instanceSize(config) }, (_, k) => (k < 3 ? 1 : 0.3) * rng.normal())
    const aV = Float64Array.from({ length: 3 * n }, () => rng.normal())
    const aD = Float64Array.from({ length: 3 * n }, () => rng.normal())
    const aQ = Float64Array.from({ length: 4 * n }, () => rng.normal())
    const loss = (): number => {
      const inst = instanceForward(model, categoryForward(model), z)
      return dot(aV, inst.view.vertices) + dot(aD, inst.D) + dot(aQ, inst.view.features)
    }
    const grads = (): Float64Array => {
      const shape = categoryForward(model)
      const inst = instanceForward(model, shape, z)
      const category = { gV0: new Float64Array(3 * n), gB: new Float64Array(3 * n * 3) }
      const gz = new Float64Array(z.length)
      instanceBackward(model, shape, inst, z, 0, { gV: aV.slice(), gD: aD.slice(), gQ: aQ.slice(), category, gz, gzOffset: 0 })
      categoryBackward(model, shape, category.gV0, category.gB)
      return gz
    }
    return { model, z, loss, grads }
  }

  it.each<[EngineVariant, number]>([
    ['semagic', 0],
    ['baseline', 0],
    ['semagic-i', 0],
    ['semagic-ii', 0],
    ['semagic', 4],
    ['baseline', 4],
  ])(
    '%s with %i articulated parts: V0 = sym(P), V = V0 + B z posed by the part angles, and the vertex features, through every parameter (float32 parameters, the stored step; tolerance 1e-6 + 1e-4 relative)',
    (variant, parts) => {
      const { model, z, loss, grads } = pipeline(variant, parts)
      const gz = grads()
      expectGradient(loss, z, [...z.keys()], (i) => gz[i]!, 1e-5, 1e-4, 1e-6)
      for (const p of categoryParams(model)) {
        const picks = [...new Set([0, 1, 5, Math.floor(p.value.length / 2), p.value.length - 1])].filter((i) => i < p.value.length)
        expectGradient(loss, p.value, picks, (i) => p.grad[i]!, 1e-6, 1e-4, 1e-6)
      }
    },
  )
})
