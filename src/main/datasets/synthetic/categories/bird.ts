import type { Vec3 } from '../../../engine/render/mat3'
import { add, cross, mat3Apply, mat3FromColumns, normalize, rotationX, scale } from '../../../engine/render/mat3'
import { hsl, material, plain } from '../materials'
import type { Rgb } from '../materials'
import { ModelBuilder } from '../model-builder'
import type { ObjectModel } from '../model-builder'
import { toParent } from '../mesh-builder'
import type { Frame } from '../mesh-builder'
import { addEllipsoid, addTube, ellipsoidPoint, frameAlong } from '../primitives'
import type { Rng } from '../random'
import type { CategoryDefinition } from './category'

const KEYPOINTS = [
  'left_eye', 'right_eye', 'beak_tip', 'crown', 'nape', 'breast', 'back',
  'left_wing_base', 'right_wing_base', 'left_wing_tip', 'right_wing_tip', 'tail_tip', 'left_foot', 'right_foot',
] as const

const DEG = Math.PI / 180

function plumage(rng: Rng): Rgb {
  return rng.pick<Rgb>([
    hsl(rng.uniform(20, 40), rng.uniform(0.3, 0.6), rng.uniform(0.2, 0.45)),
    hsl(rng.uniform(0, 360), rng.uniform(0.5, 0.85), rng.uniform(0.35, 0.55)),
    hsl(0, 0, rng.uniform(0.05, 0.2)),
    hsl(0, 0, rng.uniform(0.7, 0.9)),
    hsl(rng.uniform(190, 230), rng.uniform(0.1, 0.3), rng.uniform(0.35, 0.6)),
  ])
}

/** A flat ellipsoid (wing, tail fan) from `root` along `span`, its thin axis as close to `up` as the span allows. */
function flatFrame(root: Vec3, span: Vec3, up: Vec3, length: number): Frame {
  const z = normalize(span)
  const x = normalize(cross(up, z))
  return { origin: add(root, scale(z, length / 2)), rotation: mat3FromColumns(x, cross(z, x), z) }
}

function build(rng: Rng): ObjectModel {
  const b = new ModelBuilder(KEYPOINTS)
  const bodyColour = plumage(rng)
  const bellyColour = rng.chance(0.5) ? hsl(rng.uniform(30, 60), rng.uniform(0, 0.5), rng.uniform(0.6, 0.9)) : plumage(rng)
  const wingColour = rng.chance(0.5) ? bodyColour : plumage(rng)
  const feathers = material(rng, {
    base: bodyColour,
    accent: bellyColour,
    pattern: rng.pick(['plain', 'mottled', 'patches', 'spots'] as const),
    frequency: rng.uniform(5, 12),
    threshold: rng.uniform(0.5, 0.62),
  })
  const wingFeathers = material(rng, {
    base: wingColour,
    accent: rng.chance(0.5) ? hsl(0, 0, rng.uniform(0.05, 0.95)) : bellyColour,
    pattern: rng.pick(['plain', 'stripes', 'mottled'] as const),
    frequency: rng.uniform(6, 14),
    direction: [0, 0, 1],
    threshold: rng.uniform(0.55, 0.8),
  })
  const beakMaterial = plain(rng.pick<Rgb>([hsl(rng.uniform(25, 50), 0.9, 0.5), hsl(0, 0, 0.12), hsl(40, 0.3, 0.7)]), 0.3)
  const legMaterial = plain(rng.pick<Rgb>([hsl(rng.uniform(15, 35), 0.8, 0.5), hsl(0, 0, 0.2), hsl(30, 0.3, 0.45)]))
  const eyeMaterial = plain(hsl(0, 0, 0.03), 0.6)

  const bodyLength = rng.uniform(0.8, 1.2)
  const slack = 0.02 * bodyLength
  const bodyRadii: Vec3 = [bodyLength * rng.uniform(0.2, 0.27), bodyLength * rng.uniform(0.24, 0.32), bodyLength / 2]
  const legLength = bodyLength * rng.uniform(0.15, 0.6)
  const pitch = rng.uniform(0, 45) * DEG
  const bodyFrame: Frame = { origin: [0, legLength + bodyRadii[1] * 0.75, 0], rotation: rotationX(-pitch) }
  const body = b.part('body', feathers)
  addEllipsoid(b.mesh, body, bodyFrame, bodyRadii, 18, 12)
  const onBody = (direction: Vec3): Vec3 => toParent(bodyFrame, ellipsoidPoint(bodyRadii, normalize(direction), 0.02))
  b.keypoint('back', onBody([0, 1, -0.25]), [body], slack)

  const neckBase = toParent(bodyFrame, [0, bodyRadii[1] * 0.45, bodyRadii[2] * 0.6])
  const neckPitch = rng.uniform(20, 80) * DEG
  const neckDir: Vec3 = [0, Math.sin(neckPitch), Math.cos(neckPitch)]
  const neckEnd = add(neckBase, scale(neckDir, bodyLength * rng.uniform(0.08, 0.3)))
  const neck = b.part('neck', feathers)
  addTube(b.mesh, neck, neckBase, neckEnd, bodyRadii[0] * 0.6, bodyRadii[0] * 0.5, 10)
  b.keypoint('breast', onBody([0, -0.2, 1]), [body, neck], slack)

  const headRadius = bodyRadii[0] * rng.uniform(0.65, 0.9)
  const headYaw = rng.signed(40) * DEG
  const headPitch = rng.signed(25) * DEG
  const headDir: Vec3 = [Math.sin(headYaw) * Math.cos(headPitch), -Math.sin(headPitch), Math.cos(headYaw) * Math.cos(headPitch)]
  const headRadii: Vec3 = [headRadius, headRadius, headRadius * rng.uniform(1.05, 1.3)]
  const headFrame = frameAlong(add(neckEnd, [0, headRadius * 0.4, 0]), headDir)
  const head = b.part('head', rng.chance(0.3) ? material(rng, { base: plumage(rng) }) : feathers)
  addEllipsoid(b.mesh, head, headFrame, headRadii, 14, 10)
  b.keypoint('crown', toParent(headFrame, ellipsoidPoint(headRadii, [0, 1, 0.1], 0.03)), [head], slack)
  b.keypoint('nape', toParent(headFrame, ellipsoidPoint(headRadii, normalize([0, 0.3, -1]), 0.03)), [head, neck], slack)

  const beakLength = bodyLength * rng.uniform(0.1, 0.45)
  const beakRadius = headRadius * rng.uniform(0.25, 0.4)
  const beakBase = toParent(headFrame, [0, -headRadius * 0.1, headRadii[2] * 0.75])
  const beakDir = normalize(mat3Apply(headFrame.rotation, [0, -rng.uniform(0, 0.35), 1]))
  const beak = b.part('beak', beakMaterial)
  addTube(b.mesh, beak, beakBase, add(beakBase, scale(beakDir, beakLength)), beakRadius, beakRadius * 0.12, 10)
  b.keypoint('beak_tip', add(beakBase, scale(beakDir, beakLength * 0.92)), [beak], beakRadius * 0.3 + slack)

  const eyeRadius = headRadius * 0.2
  const wingSpan = bodyLength * rng.uniform(0.7, 1.2)
  const wingChord = bodyLength * rng.uniform(0.18, 0.28)
  const wingThickness = bodyLength * 0.025
  const spread = rng.chance(0.45) ? rng.uniform(0, 15) * DEG : rng.uniform(20, 95) * DEG
  const raise = rng.uniform(-20, 60) * DEG * Math.min(1, spread / (40 * DEG))
  const bodyUp = mat3Apply(bodyFrame.rotation, [0, 1, 0])
  for (const side of [1, -1] as const) {
    const name = side > 0 ? 'left' : 'right'
    const eyeCentre = toParent(headFrame, ellipsoidPoint(headRadii, normalize([side * 0.85, 0.3, 0.4])))
    const eye = b.part(`${name}_eye`, eyeMaterial)
    addEllipsoid(b.mesh, eye, { origin: eyeCentre, rotation: headFrame.rotation }, [eyeRadius, eyeRadius, eyeRadius], 10, 6)
    b.keypoint(`${name}_eye`, eyeCentre, [eye, head], eyeRadius * 1.2 + slack)

    // Folded: along the body, backwards; spread: out sideways, raised by `raise`.
    const root = toParent(bodyFrame, [side * bodyRadii[0] * 0.75, bodyRadii[1] * 0.4, bodyRadii[2] * 0.25])
    const localSpan: Vec3 = [side * Math.sin(spread) * Math.cos(raise) + side * 0.12, Math.sin(raise), -Math.cos(spread) * Math.cos(raise)]
    const span = normalize(mat3Apply(bodyFrame.rotation, localSpan))
    const wingFrame = flatFrame(root, span, bodyUp, wingSpan)
    const wing = b.part(`${name}_wing`, wingFeathers)
    addEllipsoid(b.mesh, wing, wingFrame, [wingChord / 2, wingThickness, wingSpan / 2], 14, 10)
    b.keypoint(`${name}_wing_base`, add(root, scale(span, wingSpan * 0.15)), [wing, body], wingThickness * 2 + slack)
    b.keypoint(`${name}_wing_tip`, add(root, scale(span, wingSpan * 0.9)), [wing], wingThickness + slack)

    const hip = toParent(bodyFrame, [side * bodyRadii[0] * 0.4, -bodyRadii[1] * 0.5, 0])
    const foot: Vec3 = [hip[0] + side * 0.02 * bodyLength, Math.min(0.02 * bodyLength, hip[1] * 0.1), hip[2] + rng.signed(0.08) * bodyLength]
    const legRadius = bodyLength * 0.018
    const leg = b.part(`${name}_leg`, legMaterial)
    addTube(b.mesh, leg, hip, foot, legRadius * 1.3, legRadius, 8)
    const toes = b.part(`${name}_toes`, legMaterial)
    addTube(b.mesh, toes, foot, add(foot, [0, 0, bodyLength * 0.1]), legRadius * 0.8, legRadius * 0.5, 6)
    b.keypoint(`${name}_foot`, foot, [leg, toes], legRadius * 1.5 + slack)
  }

  const tailPitch = rng.signed(30) * DEG
  const tailLength = bodyLength * rng.uniform(0.3, 0.65)
  const tailRoot = toParent(bodyFrame, [0, bodyRadii[1] * 0.1, -bodyRadii[2] * 0.8])
  const tailDir = normalize(mat3Apply(bodyFrame.rotation, [0, Math.sin(tailPitch), -Math.cos(tailPitch)]))
  const tailThickness = bodyLength * 0.02
  const tail = b.part('tail', wingFeathers)
  addEllipsoid(b.mesh, tail, flatFrame(tailRoot, tailDir, bodyUp, tailLength), [bodyRadii[0] * rng.uniform(0.5, 1.1), tailThickness, tailLength / 2], 12, 8)
  b.keypoint('tail_tip', add(tailRoot, scale(tailDir, tailLength * 0.9)), [tail], tailThickness + slack)

  return b.build()
}

export const bird: CategoryDefinition = { name: 'bird', keypointNames: KEYPOINTS, build }
