import type { BBox, CropTransform } from '../../../src/main/images/crop-square'
import { cropSquare } from '../../../src/main/images/crop-square'
import type { Mask, RgbImage } from '../../../src/main/images/rgb-image'
import type { FeatureMap } from '../../../src/main/features/backbones/types'

/** Deterministic pseudo-random numbers (mulberry32), so the scene is the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface Scene {
  image: RgbImage
  mask: Mask
  bbox: BBox
}

/**
 * A 480 x 360 "animal": a striped body, a spotted head with two eyes, four legs and a tail,
 * each part its own colour and texture, on a smoothly varying background. Parts differ in
 * local appearance, so a feature that carries any semantics must tell them apart.
 */
export function texturedAnimal(): Scene {
  const width = 480
  const height = 360
  const data = new Uint8Array(width * height * 3)
  const mask = new Uint8Array(width * height)
  const rand = random(7)
  const spots = Array.from({ length: 14 }, () => [335 + rand() * 70, 95 + rand() * 70, 3 + rand() * 5] as const)
  const set = (p: number, r: number, g: number, b: number): void => {
    data[p * 3] = Math.max(0, Math.min(255, r))
    data[p * 3 + 1] = Math.max(0, Math.min(255, g))
    data[p * 3 + 2] = Math.max(0, Math.min(255, b))
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x
      const body = ((x - 220) / 120) ** 2 + ((y - 170) / 60) ** 2 <= 1
      const head = (x - 370) ** 2 + (y - 130) ** 2 <= 42 ** 2
      const eye = (x - 385) ** 2 + (y - 118) ** 2 <= 36 || (x - 358) ** 2 + (y - 118) ** 2 <= 36
      const leg = y >= 200 && y <= 290 && [130, 170, 260, 300].some((lx) => x >= lx && x <= lx + 18)
      const tail = x >= 60 && x <= 104 && Math.abs(y - (150 - (104 - x) * 0.6)) <= 6
      if (eye) set(p, 20, 20, 30)
      else if (head) {
        const spot = spots.some(([sx, sy, r]) => (x - sx) ** 2 + (y - sy) ** 2 <= r * r)
        if (spot) set(p, 90, 50, 20)
        else set(p, 230, 190, 120)
      } else if (body) {
        const stripe = Math.sin((x + 0.4 * y) / 6) > 0.3
        if (stripe) set(p, 60, 35, 25)
        else set(p, 210, 120, 40)
      } else if (leg) set(p, 120 + 40 * Math.sin(y / 5), 90, 60)
      else if (tail) set(p, 60, 35, 25)
      else {
        set(p, 110 + 30 * Math.sin(x / 37) + 20 * Math.cos(y / 23), 150 + 20 * Math.sin((x + y) / 41), 120 + 25 * Math.cos(x / 29))
        continue
      }
      mask[p] = 1
    }
  }
  return { image: { width, height, data }, mask: { width, height, data: mask }, bbox: [60, 88, 412, 290] }
}

export interface TwoCrops {
  a: RgbImage
  b: RgbImage
  ta: CropTransform
  tb: CropTransform
}

/** The tight crop, and one shifted and zoomed out so that parts sit elsewhere in the frame. */
export function twoCrops(scene: Scene, size: number): TwoCrops {
  const [x1, y1, x2, y2] = scene.bbox
  const w = x2 - x1
  const h = y2 - y1
  const a = cropSquare(scene.image, scene.bbox, 0.1, size)
  const b = cropSquare(scene.image, [x1 - 0.3 * w, y1 - 0.1 * h, x2 + 0.05 * w, y2 + 0.35 * h], 0.1, size)
  return { a: a.image, b: b.image, ta: a.transform, tb: b.transform }
}

function dot(m: FeatureMap, i: number, j: number, n: FeatureMap, k: number, l: number): number {
  const pm = m.height * m.width
  const pn = n.height * n.width
  let s = 0
  for (let c = 0; c < m.channels; c++) s += m.data[c * pm + i * m.width + j]! * n.data[c * pn + k * n.width + l]!
  return s
}

export interface CorrespondenceScore {
  points: number
  /** Mean cosine between a foreground cell of A and the cell of B showing the same spot. */
  corresponding: number
  /** Mean cosine between a foreground cell of A and every cell of B. */
  random: number
  /** Fraction of A's cells whose most similar B cell is within 1.5 cells of the true one. */
  nnHits: number
  /** The same fraction for a guess uniform over B's cells. */
  chance: number
}

export function scoreCorrespondence(scene: Scene, crops: TwoCrops, fa: FeatureMap, fb: FeatureMap): CorrespondenceScore {
  let points = 0
  let corresponding = 0
  let random = 0
  let hits = 0
  let chance = 0
  for (let i = 0; i < fa.height; i++) {
    for (let j = 0; j < fa.width; j++) {
      const [x, y] = crops.ta.toImage([(j + 0.5) * fa.stride, (i + 0.5) * fa.stride])
      const px = Math.floor(x)
      const py = Math.floor(y)
      if (px < 0 || py < 0 || px >= scene.mask.width || py >= scene.mask.height || !scene.mask.data[py * scene.mask.width + px]) continue
      const [u, v] = crops.tb.toCrop([x, y])
      const k = Math.min(fb.height - 1, Math.floor(v / fb.stride))
      const l = Math.min(fb.width - 1, Math.floor(u / fb.stride))
      points++
      corresponding += dot(fa, i, j, fb, k, l)
      let best = -Infinity
      let bk = 0
      let bl = 0
      let near = 0
      for (let q = 0; q < fb.height; q++) {
        for (let r = 0; r < fb.width; r++) {
          const s = dot(fa, i, j, fb, q, r)
          random += s / (fb.height * fb.width)
          if (s > best) [best, bk, bl] = [s, q, r]
          if (Math.hypot(q - k, r - l) <= 1.5) near++
        }
      }
      if (Math.hypot(bk - k, bl - l) <= 1.5) hits++
      chance += near / (fb.height * fb.width)
    }
  }
  return { points, corresponding: corresponding / points, random: random / points, nnHits: hits / points, chance: chance / points }
}
