import * as tf from '@tensorflow/tfjs'
import { expect } from 'vitest'
import type { Backbone, FeatureMap } from '../../../src/main/features/backbones/types'
import type { Scene } from './textured-object'
import { scoreCorrespondence, twoCrops } from './textured-object'

export function expectUnitCells(m: FeatureMap): void {
  const cells = m.height * m.width
  for (let p = 0; p < cells; p++) {
    let s = 0
    for (let c = 0; c < m.channels; c++) s += m.data[c * cells + p]! ** 2
    expect(Math.sqrt(s)).toBeCloseTo(1, 4)
  }
}

/** Extracts twice: same numbers, and (on tfjs) no tensor left behind by either call. */
export async function expectDeterministicWithoutLeaks(b: Backbone, scene: Scene): Promise<void> {
  const { a } = twoCrops(scene, b.describe().inputSize)
  const onTfjs = !b.describe().backend.startsWith('onnx-')
  const [first] = await b.extract([a])
  const tensors = onTfjs ? tf.memory().numTensors : 0
  const [second] = await b.extract([a])
  await b.extract([a, a, a, a, a])
  if (onTfjs) expect(tf.memory().numTensors).toBe(tensors)
  expect(second!.data).toEqual(first!.data)
}

/** Two crops of the textured animal: the same spot must look alike, and be found by nearest neighbour. */
export async function expectSemanticCorrespondence(b: Backbone, scene: Scene): Promise<void> {
  const crops = twoCrops(scene, b.describe().inputSize)
  const [fa, fb] = await b.extract([crops.a, crops.b])
  const s = scoreCorrespondence(scene, crops, fa!, fb!)
  expect(s.points).toBeGreaterThan(10)
  expect(s.corresponding - s.random).toBeGreaterThan(0.15)
  expect(s.nnHits).toBeGreaterThan(Math.max(0.5, 5 * s.chance))
}
