import { IDENTITY, mat3Apply, rotationY } from '../../../engine/render/mat3'
import type { Vec3 } from '../../../engine/render/mat3'
import { hsl, material, plain } from '../materials'
import type { Material, Rgb } from '../materials'
import { ModelBuilder } from '../model-builder'
import type { ObjectModel } from '../model-builder'
import { toParent } from '../mesh-builder'
import { addBox, addCylinder, addHexahedron, frameAlong } from '../primitives'
import type { CornerSigns } from '../primitives'
import type { Rng } from '../random'
import type { CategoryDefinition } from './category'

const KEYPOINTS = [
  'left_front_wheel', 'right_front_wheel', 'left_back_wheel', 'right_back_wheel',
  'left_headlight', 'right_headlight', 'left_taillight', 'right_taillight',
  'left_mirror', 'right_mirror', 'front_plate', 'rear_plate',
  'left_front_roof', 'right_front_roof', 'left_back_roof', 'right_back_roof',
] as const

const DEG = Math.PI / 180

function paint(rng: Rng): Rgb {
  return rng.pick<Rgb>([
    hsl(rng.uniform(0, 360), rng.uniform(0.5, 0.9), rng.uniform(0.3, 0.5)),
    hsl(0, 0, rng.uniform(0.05, 0.15)),
    hsl(0, 0, rng.uniform(0.8, 0.93)),
    hsl(rng.uniform(200, 230), rng.uniform(0, 0.1), rng.uniform(0.45, 0.7)),
  ])
}

const sideName = (side: 1 | -1): string => (side > 0 ? 'left' : 'right')

function build(rng: Rng): ObjectModel {
  const b = new ModelBuilder(KEYPOINTS)
  const colour = paint(rng)
  const body = material(rng, {
    base: colour,
    accent: rng.chance(0.5) ? hsl(0, 0, rng.uniform(0.05, 0.95)) : hsl(30, 0.25, 0.3),
    pattern: rng.pick(['plain', 'plain', 'plain', 'stripes', 'mottled'] as const),
    frequency: rng.uniform(0.4, 0.8),
    direction: [1, 0, 0],
    threshold: rng.uniform(0.8, 0.9),
    gloss: rng.uniform(0.25, 0.6),
  })
  const glass = plain(hsl(rng.uniform(190, 230), rng.uniform(0, 0.3), rng.uniform(0.08, 0.25)), 0.6)
  const trim = plain(hsl(0, 0, rng.uniform(0.05, 0.2)))
  const tyre: Material = material(rng, { base: hsl(0, 0, 0.07), accent: hsl(0, 0, rng.uniform(0.45, 0.8)), pattern: 'rings' })
  const plate = plain(rng.chance(0.7) ? hsl(0, 0, 0.92) : hsl(50, 0.9, 0.55), 0.2)

  const length = rng.uniform(3.6, 4.9)
  const slack = 0.02 * length
  const width = rng.uniform(1.6, 1.95)
  const wheelRadius = rng.uniform(0.28, 0.4)
  const bottom = wheelRadius * rng.uniform(0.55, 0.95)
  const bodyHeight = rng.uniform(0.5, 0.8)
  const top = bottom + bodyHeight
  const bodyPart = b.part('body', body)
  const taper = ([sx, sy, sz]: CornerSigns): Vec3 => [
    sx * (width / 2) * (sy > 0 ? 0.95 : 1),
    sy > 0 ? top : bottom,
    sz * (length / 2) * (sy > 0 ? 0.97 : 1),
  ]
  addHexahedron(b.mesh, bodyPart, { origin: [0, 0, 0], rotation: IDENTITY }, taper)

  // Sedan, hatchback or SUV: cabin length, place and height.
  const style = rng.pick([
    { cabin: 0.45, offset: -0.05, height: [0.38, 0.5] },
    { cabin: 0.5, offset: -0.15, height: [0.4, 0.55] },
    { cabin: 0.62, offset: -0.12, height: [0.5, 0.68] },
  ] as const)
  const cabinLength = length * style.cabin * rng.uniform(0.9, 1.1)
  const cabinHeight = rng.uniform(style.height[0], style.height[1])
  const cabinZ = length * style.offset
  const topLength = cabinLength * rng.uniform(0.55, 0.8)
  const topShift = -(cabinLength - topLength) * rng.uniform(0.1, 0.4)
  const cabinCorner = ([sx, sy, sz]: CornerSigns): Vec3 =>
    sy > 0
      ? [sx * width * 0.4, top + cabinHeight, cabinZ + topShift + (sz * topLength) / 2]
      : [sx * width * 0.46, top, cabinZ + (sz * cabinLength) / 2]
  const cabin = b.part('cabin', glass)
  addHexahedron(b.mesh, cabin, { origin: [0, 0, 0], rotation: IDENTITY }, cabinCorner)
  const roof = b.part('roof', body)
  const roofThickness = 0.05
  const roofCorner = ([sx, sy, sz]: CornerSigns): Vec3 => {
    const c = cabinCorner([sx, 1, sz])
    return [c[0] * 1.02, c[1] + (sy > 0 ? roofThickness : -0.01), cabinZ + topShift + (c[2] - cabinZ - topShift) * 1.04]
  }
  addHexahedron(b.mesh, roof, { origin: [0, 0, 0], rotation: IDENTITY }, roofCorner)
  for (const side of [1, -1] as const) {
    for (const front of [true, false]) {
      const c = roofCorner([side, 1, front ? 1 : -1])
      b.keypoint(`${sideName(side)}_${front ? 'front' : 'back'}_roof`, [c[0] * 0.95, c[1] - roofThickness / 2, cabinZ + topShift + (c[2] - cabinZ - topShift) * 0.95], [roof, cabin], roofThickness + slack)
    }
  }

  const wheelbase = length * rng.uniform(0.55, 0.66)
  const wheelShift = length * rng.signed(0.03)
  const tyreWidth = rng.uniform(0.18, 0.26)
  const steer = rng.chance(0.5) ? rng.signed(25) * DEG : 0
  for (const front of [true, false]) {
    for (const side of [1, -1] as const) {
      const centre: Vec3 = [side * (width / 2 - tyreWidth / 2 + 0.03), wheelRadius, (front ? 1 : -1) * (wheelbase / 2) + wheelShift]
      const axle = mat3Apply(rotationY(front ? steer : 0), [side, 0, 0])
      const frame = frameAlong(centre, axle)
      const name = `${sideName(side)}_${front ? 'front' : 'back'}_wheel`
      const wheel = b.part(name, { ...tyre, threshold: wheelRadius * rng.uniform(0.45, 0.65) })
      addCylinder(b.mesh, wheel, frame, wheelRadius, tyreWidth / 2, 20)
      b.keypoint(name, toParent(frame, [0, 0, tyreWidth * 0.4]), [wheel], slack)
    }
  }

  const bumperHeight = bodyHeight * 0.18
  for (const end of [1, -1] as const) {
    addBox(b.mesh, b.part(end > 0 ? 'front_bumper' : 'rear_bumper', trim), { origin: [0, bottom + bumperHeight, end * (length / 2 + 0.03)], rotation: IDENTITY }, [width * 0.49, bumperHeight, 0.05])
    const name = end > 0 ? 'front_plate' : 'rear_plate'
    const plateCentre: Vec3 = [0, bottom + bodyHeight * 0.42, end * (length / 2 * 0.97 + 0.02)]
    const platePart = b.part(name, plate)
    addBox(b.mesh, platePart, { origin: plateCentre, rotation: IDENTITY }, [0.26, 0.065, 0.025])
    b.keypoint(name, plateCentre, [platePart], 0.025 + slack)
  }

  const lightWidth = rng.uniform(0.12, 0.22)
  const lightHeight = rng.uniform(0.05, 0.09)
  const headColour = plain(hsl(rng.uniform(40, 60), rng.uniform(0.2, 0.6), 0.85), 0.6)
  const tailColour = plain(hsl(rng.uniform(355, 365), 0.85, rng.uniform(0.35, 0.5)), 0.5)
  const mirrorColour = rng.chance(0.5) ? body : trim
  for (const side of [1, -1] as const) {
    for (const end of [1, -1] as const) {
      const name = `${sideName(side)}_${end > 0 ? 'headlight' : 'taillight'}`
      const centre: Vec3 = [side * (width * 0.46 - lightWidth - 0.04), top - bodyHeight * 0.22, end * (length / 2) * 0.97]
      const light = b.part(name, end > 0 ? headColour : tailColour)
      addBox(b.mesh, light, { origin: centre, rotation: IDENTITY }, [lightWidth, lightHeight, 0.04])
      b.keypoint(name, centre, [light], 0.04 + slack)
    }
    const mirrorCentre: Vec3 = [side * (width / 2 + 0.09), top + 0.1, cabinZ + cabinLength / 2 - 0.15]
    const mirror = b.part(`${sideName(side)}_mirror`, mirrorColour)
    addBox(b.mesh, mirror, { origin: mirrorCentre, rotation: IDENTITY }, [0.1, 0.065, 0.05])
    b.keypoint(`${sideName(side)}_mirror`, mirrorCentre, [mirror], 0.065 + slack)
  }
  return b.build()
}

export const car: CategoryDefinition = { name: 'car', keypointNames: KEYPOINTS, build }
