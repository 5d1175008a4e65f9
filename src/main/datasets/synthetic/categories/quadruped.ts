import type { Vec3 } from '../../../engine/render/mat3'
import { IDENTITY, add, mat3Apply, normalize, scale } from '../../../engine/render/mat3'
import { hsl, material, plain } from '../materials'
import type { Material, Rgb } from '../materials'
import { ModelBuilder } from '../model-builder'
import type { ObjectModel } from '../model-builder'
import { addEllipsoid, addTube, ellipsoidPoint, frameAlong } from '../primitives'
import { toParent } from '../mesh-builder'
import type { Rng } from '../random'
import type { CategoryDefinition } from './category'

const KEYPOINTS = [
  'left_eye', 'right_eye', 'left_ear', 'right_ear', 'nose', 'withers', 'tail_base', 'tail_tip',
  'left_front_knee', 'right_front_knee', 'left_back_knee', 'right_back_knee',
  'left_front_hoof', 'right_front_hoof', 'left_back_hoof', 'right_back_hoof',
] as const

const DEG = Math.PI / 180

/** Unit direction at angle `a` from straight down, positive towards the front (+z), with sideways lean. */
function limbDirection(a: number, lean: number): Vec3 {
  return normalize([lean, -Math.cos(a), Math.sin(a)])
}

function coat(rng: Rng): { coat: Material; secondary: Rgb } {
  const base = rng.pick<Rgb>([
    hsl(rng.uniform(18, 35), rng.uniform(0.35, 0.65), rng.uniform(0.22, 0.45)),
    hsl(rng.uniform(25, 45), rng.uniform(0.4, 0.7), rng.uniform(0.45, 0.65)),
    hsl(rng.uniform(0, 360), rng.uniform(0, 0.1), rng.uniform(0.08, 0.2)),
    hsl(rng.uniform(30, 50), rng.uniform(0.1, 0.35), rng.uniform(0.72, 0.86)),
    hsl(rng.uniform(0, 360), rng.uniform(0, 0.08), rng.uniform(0.35, 0.6)),
  ])
  const contrast = rng.pick<Rgb>([hsl(0, 0, rng.uniform(0.85, 0.95)), hsl(0, 0, rng.uniform(0.05, 0.12)), hsl(rng.uniform(15, 40), 0.5, rng.uniform(0.15, 0.3))])
  const pattern = rng.pick(['plain', 'plain', 'patches', 'spots', 'stripes', 'mottled'] as const)
  const frequency = pattern === 'stripes' ? rng.uniform(4, 9) : pattern === 'spots' ? rng.uniform(6, 12) : rng.uniform(2, 4)
  const threshold = pattern === 'stripes' ? rng.uniform(0.45, 0.7) : rng.uniform(0.5, 0.62)
  return { coat: material(rng, { base, accent: contrast, pattern, frequency, threshold }), secondary: contrast }
}

interface LegSpec {
  side: 1 | -1
  front: boolean
  hip: Vec3
  swing: number
  bend: number
  upper: number
  lower: number
  radius: number
}

function addLeg(b: ModelBuilder, leg: LegSpec, skin: Material, socks: Material, hoofColour: Material, slack: number): void {
  const side = leg.side > 0 ? 'left' : 'right'
  const where = leg.front ? 'front' : 'back'
  const lean = leg.side * 0.06
  // A foreleg's knee flexes backwards; a hind leg's hock points back, so its thigh slopes back and the cannon forward.
  const upperAngle = leg.front ? leg.swing : leg.swing - 0.25
  const lowerAngle = leg.front ? leg.swing - leg.bend : leg.swing - 0.25 + leg.bend
  const knee = add(leg.hip, scale(limbDirection(upperAngle, lean), leg.upper))
  const lowerDir = limbDirection(lowerAngle, lean * 0.3)
  const ankle = add(knee, scale(lowerDir, leg.lower))
  const hoofEnd = add(ankle, scale(lowerDir, leg.radius * 1.6))
  const upper = b.part(`${side}_${where}_upper_leg`, skin)
  const lower = b.part(`${side}_${where}_lower_leg`, socks)
  const hoof = b.part(`${side}_${where}_hoof`, hoofColour)
  addTube(b.mesh, upper, leg.hip, knee, leg.radius * 1.6, leg.radius, 10)
  addTube(b.mesh, lower, knee, ankle, leg.radius, leg.radius * 0.85, 10)
  addTube(b.mesh, hoof, ankle, hoofEnd, leg.radius * 1.05, leg.radius * 1.15, 10)
  b.keypoint(`${side}_${where}_knee`, knee, [upper, lower], leg.radius * 1.3 + slack)
  b.keypoint(`${side}_${where}_hoof`, add(ankle, scale(lowerDir, leg.radius * 0.8)), [hoof, lower], leg.radius * 1.4 + slack)
}

function build(rng: Rng): ObjectModel {
  const b = new ModelBuilder(KEYPOINTS)
  const { coat: skin, secondary } = coat(rng)
  const socks = rng.chance(0.3) ? plain(secondary) : skin
  const hoofMaterial = plain(hsl(rng.uniform(20, 40), 0.2, rng.uniform(0.06, 0.3)))
  const eyeMaterial = plain(hsl(0, 0, 0.03), 0.6)

  const bodyLength = rng.uniform(1.5, 2.2)
  const slack = 0.02 * bodyLength
  const bodyHeight = rng.uniform(0.26, 0.42)
  const bodyRadii: Vec3 = [bodyHeight * rng.uniform(0.75, 1.05), bodyHeight, bodyLength / 2]
  const legLength = rng.uniform(0.7, 1.35)
  const legRadius = rng.uniform(0.05, 0.09)
  const bodyY = legLength + bodyHeight * 0.5
  const bodyFrame = { origin: [0, bodyY, 0] as Vec3, rotation: IDENTITY }
  const body = b.part('body', skin)
  addEllipsoid(b.mesh, body, bodyFrame, bodyRadii, 20, 12)
  b.keypoint('withers', toParent(bodyFrame, ellipsoidPoint(bodyRadii, [0, 1, 0.5], 0.02)), [body], slack)

  // Trot: diagonal legs move together.
  const phase = rng.uniform(0, 2 * Math.PI)
  const amplitude = rng.uniform(0, 32) * DEG
  const hipY = bodyY - bodyHeight * 0.45
  for (const front of [true, false]) {
    for (const side of [1, -1] as const) {
      const offset = (front ? 0 : Math.PI) + (side > 0 ? 0 : Math.PI)
      const swing = amplitude * Math.sin(phase + offset)
      const bend = (rng.uniform(0.05, 0.25) + Math.max(0, Math.sin(phase + offset + 1)) * amplitude * 1.5) * (front ? 1 : 0.6)
      const total = hipY - legRadius * 2.5
      const upperShare = rng.uniform(0.45, 0.55)
      addLeg(
        b,
        {
          side,
          front,
          hip: [side * bodyRadii[0] * 0.55, hipY, (front ? 0.33 : -0.33) * bodyLength],
          swing,
          bend,
          upper: total * upperShare,
          lower: total * (1 - upperShare),
          radius: legRadius,
        },
        skin,
        socks,
        hoofMaterial,
        slack,
      )
    }
  }

  const neckPitch = rng.uniform(10, 65) * DEG
  const neckYaw = rng.signed(25) * DEG
  const neckLength = rng.uniform(0.35, 0.85)
  const neckBase: Vec3 = [0, bodyY + bodyHeight * 0.35, bodyLength * 0.38]
  const neckDir: Vec3 = [Math.sin(neckYaw) * Math.cos(neckPitch), Math.sin(neckPitch), Math.cos(neckYaw) * Math.cos(neckPitch)]
  const neckEnd = add(neckBase, scale(neckDir, neckLength))
  const neck = b.part('neck', skin)
  addTube(b.mesh, neck, neckBase, neckEnd, bodyHeight * 0.55, bodyHeight * 0.36, 12)

  const headPitch = rng.uniform(-10, 60) * DEG
  const headYaw = neckYaw * 1.3 + rng.signed(10) * DEG
  const headDir: Vec3 = [Math.sin(headYaw) * Math.cos(headPitch), -Math.sin(headPitch), Math.cos(headYaw) * Math.cos(headPitch)]
  const headLength = rng.uniform(0.3, 0.5)
  const headWidth = rng.uniform(0.1, 0.16)
  const headRadii: Vec3 = [headWidth, headWidth * rng.uniform(1.0, 1.3), headLength / 2]
  const headFrame = frameAlong(add(neckEnd, scale(headDir, headLength * 0.2)), headDir)
  const head = b.part('head', skin)
  addEllipsoid(b.mesh, head, headFrame, headRadii, 16, 10)

  const snoutLength = headLength * rng.uniform(0.25, 0.45)
  const snoutRadii: Vec3 = [headWidth * 0.72, headRadii[1] * 0.62, snoutLength]
  const snoutFrame = { origin: toParent(headFrame, [0, -headRadii[1] * 0.3, headLength * 0.42]), rotation: headFrame.rotation }
  const snout = b.part('snout', rng.chance(0.4) ? plain(hsl(rng.uniform(15, 35), 0.3, rng.uniform(0.1, 0.8))) : skin)
  addEllipsoid(b.mesh, snout, snoutFrame, snoutRadii, 14, 8)
  b.keypoint('nose', toParent(snoutFrame, ellipsoidPoint(snoutRadii, [0, 0.1, 1], 0.03)), [snout], slack)

  const eyeRadius = headWidth * 0.22
  for (const side of [1, -1] as const) {
    const name = side > 0 ? 'left' : 'right'
    const centre = toParent(headFrame, ellipsoidPoint(headRadii, normalize([side * 0.8, 0.5, 0.45])))
    const eye = b.part(`${name}_eye`, eyeMaterial)
    addEllipsoid(b.mesh, eye, { origin: centre, rotation: headFrame.rotation }, [eyeRadius, eyeRadius, eyeRadius], 10, 6)
    b.keypoint(`${name}_eye`, centre, [eye, head], eyeRadius * 1.2 + slack)

    const earLength = rng.uniform(0.1, 0.28)
    const earRadius = headWidth * rng.uniform(0.25, 0.4)
    const earBase = toParent(headFrame, [side * headWidth * 0.55, headRadii[1] * 0.7, -headLength * 0.22])
    const earDir = normalize(mat3Apply(headFrame.rotation, [side * rng.uniform(0.2, 1.0), 1, rng.uniform(-0.6, 0.1)]))
    const ear = b.part(`${name}_ear`, skin)
    addTube(b.mesh, ear, earBase, add(earBase, scale(earDir, earLength)), earRadius, earRadius * 0.2, 8)
    b.keypoint(`${name}_ear`, add(earBase, scale(earDir, earLength * 0.85)), [ear], earRadius * 0.5 + slack)
  }

  const tailBase: Vec3 = [0, bodyY + bodyHeight * 0.4, -bodyLength * 0.47]
  const droop = rng.uniform(15, 80) * DEG
  const wag = rng.signed(30) * DEG
  const tailLength = rng.uniform(0.3, 0.9)
  const tailRadius = bodyHeight * rng.uniform(0.08, 0.14)
  const seg1: Vec3 = [Math.sin(wag) * Math.cos(droop), -Math.sin(droop), -Math.cos(wag) * Math.cos(droop)]
  const droop2 = Math.min(droop + rng.uniform(0, 40) * DEG, 88 * DEG)
  const seg2: Vec3 = [Math.sin(wag) * Math.cos(droop2), -Math.sin(droop2), -Math.cos(wag) * Math.cos(droop2)]
  const tailMid = add(tailBase, scale(seg1, tailLength * 0.5))
  const tailEnd = add(tailMid, scale(seg2, tailLength * 0.5))
  const tail = b.part('tail', skin)
  addTube(b.mesh, tail, tailBase, tailMid, tailRadius, tailRadius * 0.8, 8)
  addTube(b.mesh, tail, tailMid, tailEnd, tailRadius * 0.8, tailRadius * 0.55, 8)
  b.keypoint('tail_base', tailBase, [tail, body], tailRadius + slack)
  b.keypoint('tail_tip', add(tailMid, scale(seg2, tailLength * 0.45)), [tail], tailRadius + slack)

  return b.build()
}

export const quadruped: CategoryDefinition = { name: 'quadruped', keypointNames: KEYPOINTS, build }
