import { describe, expect, it } from 'vitest'
import { CAMERA_SIZE, cameraParams, cameraRotation, cameraRotationDerivatives, mirrorCamera, toWeakPerspective, turnCamera } from '../../../src/main/engine/camera/view-camera'
import { createGridPoint, locate, sampleScalar, scalarGradient } from '../../../src/main/engine/losses/grid-sampler'
import { meshView, viewLoss, visibility } from '../../../src/main/engine/losses/view-loss'
import type { LossWeights, ViewShape } from '../../../src/main/engine/losses/view-loss'
import { viewTarget } from '../../../src/main/engine/losses/view-target'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { projectPoints } from '../../../src/main/engine/render/camera'
import { expectGradient } from './finite-difference'
import { CHANNELS, renderView, syntheticObject } from './synthetic-views'

const TRUE_CAMERA = [0.6, 0.25, 0.05, Math.log(0.75), 0.05, -0.03]

function setup(): { target: ReturnType<typeof viewTarget>; shape: ViewShape; camera: Float64Array; visible: Uint8Array; samples: Float64Array } {
  const object = syntheticObject(2)
  const target = viewTarget(renderView(object, TRUE_CAMERA).features, renderView(object, TRUE_CAMERA).mask)
  const rng = new SeededRandom(3)
  const n = object.template.vertexCount
  // A shape and camera that do not fit yet, so that every term has a gradient.
  const vertices = Float64Array.from(object.template.rest, (v) => v * 1.1 + 0.02 * rng.normal())
  const features = Float64Array.from({ length: n * CHANNELS }, () => rng.normal())
  const shape = meshView(vertices, object.template.faces, features, CHANNELS)
  const camera = Float64Array.from([0.9, 0.1, -0.1, Math.log(0.7), 0.1, 0.05])
  const visible = visibility(shape, camera, { grid: 32, tolerancePixels: 2.5 })
  const samples = target.foreground.slice(0, 2 * 40)
  return { target, shape, camera, visible, samples }
}

const TERMS: [string, LossWeights][] = [
  ['distance to the mask', { dt: 1, chamfer: 0, feature: 0 }],
  ['chamfer', { dt: 0, chamfer: 1, feature: 0 }],
  ['feature cosine', { dt: 0, chamfer: 0, feature: 1 }],
  ['all terms', { dt: 10, chamfer: 10, feature: 0.7 }],
]

describe('view loss gradients (plain JS, float64; tolerance 1e-7 + 1e-4 relative)', () => {
  it.each(TERMS)('%s: camera parameters', (_name, weights) => {
    const { target, shape, camera, visible, samples } = setup()
    const grad = new Float64Array(CAMERA_SIZE)
    viewLoss(target, shape, camera, 0, samples, visible, weights, { camera: grad, vertices: null, features: null })
    const f = (): number => viewLoss(target, shape, camera, 0, samples, visible, weights, null).total
    expectGradient(f, camera, [0, 1, 2, 3, 4, 5], (i) => grad[i]!, 1e-7)
    expect(grad.every((g) => g !== 0)).toBe(true)
  })

  it.each(TERMS)('%s: vertex positions', (_name, weights) => {
    const { target, shape, camera, visible, samples } = setup()
    const grad = new Float64Array(shape.vertices.length)
    viewLoss(target, shape, camera, 0, samples, visible, weights, { camera: null, vertices: grad, features: null })
    const f = (): number => viewLoss(target, shape, camera, 0, samples, visible, weights, null).total
    const vis = [...visible.keys()].filter((i) => visible[i])
    const hidden = [...visible.keys()].filter((i) => !visible[i])
    const indices = [...vis.slice(0, 12), ...hidden.slice(0, 4)].flatMap((i) => [3 * i, 3 * i + 1, 3 * i + 2])
    expectGradient(f, shape.vertices, indices, (i) => grad[i]!, 1e-7)
    expect(indices.filter((i) => grad[i] !== 0).length).toBeGreaterThan(0)
  })

  it('distance to the mask beyond the crop: grows with the distance to the crop, gradients still exact', () => {
    const { target, shape, visible, samples } = setup()
    // Pushed right until part of the mesh leaves the crop.
    const camera = Float64Array.from([0.9, 0.1, -0.1, Math.log(0.7), 0.95, 0.05])
    const weights = { dt: 1, chamfer: 0, feature: 0 }
    const grad = new Float64Array(CAMERA_SIZE)
    const loss = viewLoss(target, shape, camera, 0, samples, visible, weights, { camera: grad, vertices: null, features: null })
    const f = (): number => viewLoss(target, shape, camera, 0, samples, visible, weights, null).total
    expectGradient(f, camera, [0, 1, 2, 3, 4, 5], (i) => grad[i]!, 1e-7)
    // The mean squared distance exceeds that of the vertices beyond the crop edge alone, in mask pixels.
    const R = toWeakPerspective(camera)
    let beyond = 0
    for (let i = 0; i < shape.vertexCount; i++) {
      const x = R.scale * (R.rotation[0] * shape.vertices[3 * i]! + R.rotation[1] * shape.vertices[3 * i + 1]! + R.rotation[2] * shape.vertices[3 * i + 2]!) + 0.95
      if (x > 1) beyond += ((x - 1) * 32) ** 2
    }
    expect(beyond).toBeGreaterThan(0)
    expect(loss.dt).toBeGreaterThan(beyond / shape.vertexCount)
  })

  it('feature cosine: vertex features', () => {
    const { target, shape, camera, visible, samples } = setup()
    const weights = { dt: 0, chamfer: 0, feature: 1 }
    const grad = new Float64Array(shape.features.length)
    viewLoss(target, shape, camera, 0, samples, visible, weights, { camera: null, vertices: null, features: grad })
    const f = (): number => {
      shape.featureNorms.set(meshView(shape.vertices, shape.faces, shape.features, CHANNELS).featureNorms)
      return viewLoss(target, shape, camera, 0, samples, visible, weights, null).total
    }
    const vis = [...visible.keys()].filter((i) => visible[i]).slice(0, 6)
    const indices = vis.flatMap((i) => Array.from({ length: CHANNELS }, (_, c) => i * CHANNELS + c))
    expectGradient(f, shape.features, indices, (i) => grad[i]!, 1e-6)
    const hidden = [...visible.keys()].find((i) => !visible[i])!
    for (let c = 0; c < CHANNELS; c++) expect(grad[hidden * CHANNELS + c]).toBe(0)
  })

  it('samples the distance map bilinearly with the right spatial gradient, and zero where clamped', () => {
    const rng = new SeededRandom(9)
    const map = Float64Array.from({ length: 12 * 10 }, () => rng.next())
    const point = createGridPoint()
    for (let k = 0; k < 20; k++) {
      const xy = Float64Array.of(rng.next() * 1.6 - 0.8, rng.next() * 1.6 - 0.8)
      const value = (): number => sampleScalar(map, locate(xy[0]!, xy[1]!, 12, 10, point))
      const [gx, gy] = scalarGradient(map, locate(xy[0]!, xy[1]!, 12, 10, point))
      expectGradient(value, xy, [0, 1], (i) => (i === 0 ? gx : gy), 1e-7)
    }
    expect(scalarGradient(map, locate(-0.999, 0.2, 12, 10, point))[0]).toBe(0)
  })

  it('rotation derivatives match finite differences of the rotation', () => {
    const angles = Float64Array.of(0.7, -0.3, 0.2)
    const dR = cameraRotationDerivatives(angles[0]!, angles[1]!, angles[2]!)
    for (let q = 0; q < 9; q++) {
      const f = (): number => cameraRotation(angles[0]!, angles[1]!, angles[2]!)[q]!
      expectGradient(f, angles, [0, 1, 2], (a) => dR[a]![q]!, 1e-6)
    }
  })
})

describe('camera conventions', () => {
  it('the mirror camera projects vertex i where the camera projects mirror(i), at the negated depth', () => {
    const object = syntheticObject(3)
    const { template } = object
    const camera = [0.8, 0.3, 0.1, Math.log(0.7), 0.1, -0.2]
    const a = projectPoints(object.positions, toWeakPerspective(camera), 64, 64)
    const b = projectPoints(object.positions, toWeakPerspective(mirrorCamera(camera)), 64, 64)
    for (let i = 0; i < template.vertexCount; i++) {
      const j = template.mirror[i]!
      expect(b[3 * i]).toBeCloseTo(a[3 * j]!, 3)
      expect(b[3 * i + 1]).toBeCloseTo(a[3 * j + 1]!, 3)
      expect(b[3 * i + 2]).toBeCloseTo(-a[3 * j + 2]!, 5)
    }
  })

  it('the turned camera: azimuth moved by pi, the rest kept, twice is the camera itself, and the projections move; cameraParams undoes toWeakPerspective', () => {
    const object = syntheticObject(3)
    const camera = [0.8, 0.3, 0.1, Math.log(0.7), 0.1, -0.2]
    const a = projectPoints(object.positions, toWeakPerspective(camera), 64, 64)
    const turned = turnCamera(camera)
    expect(turned[0]).toBeCloseTo(0.8 - Math.PI, 12)
    expect(Array.from(turned.subarray(1))).toEqual(camera.slice(1))
    // Turning twice is the camera itself.
    expect(Array.from(turnCamera(turned)).map((v, k) => v - camera[k]!).every((d) => Math.abs(d) < 1e-12)).toBe(true)
    const b = projectPoints(object.positions, toWeakPerspective(turned), 64, 64)
    expect(Math.max(...a.map((v, k) => Math.abs(v - b[k]!)))).toBeGreaterThan(1)
    const pose = { azimuth: camera[0]!, elevation: camera[1]!, roll: camera[2]! }
    const params = cameraParams(pose, toWeakPerspective(camera))
    camera.forEach((v, k) => expect(params[k]).toBeCloseTo(v, 12))
  })

  it('azimuth 0 faces the viewer, up is up in the image, positive azimuth shows the left side (+x)', () => {
    const R = cameraRotation(0, 0, 0)
    expect(R[8]).toBe(-1) // forward (+z) comes toward the viewer: negative depth
    expect(R[4]).toBe(-1) // up (+y) goes up the image (y down)
    const side = cameraRotation(Math.PI / 2, 0, 0)
    expect(side[6]).toBeCloseTo(-1, 12) // +x (the object's left) is nearest at azimuth 90 degrees
  })
})

