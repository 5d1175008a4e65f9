import type { RgbImage } from '../../images/rgb-image'

const SRGB_TO_LINEAR = Float64Array.from({ length: 256 }, (_, v) => {
  const c = v / 255
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
})

// D65 white.
const XN = 0.95047
const ZN = 1.08883

const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116)

/**
 * CIELAB planes (L in 0..100, a and b roughly -100..100) of an sRGB image: distances there
 * follow perceived colour differences, and L is the lightness the gradients are taken from.
 */
export function rgbToLab(image: RgbImage): { L: Float32Array; a: Float32Array; b: Float32Array } {
  const n = image.width * image.height
  const L = new Float32Array(n)
  const a = new Float32Array(n)
  const b = new Float32Array(n)
  const d = image.data
  for (let p = 0; p < n; p++) {
    const r = SRGB_TO_LINEAR[d[p * 3]!]!
    const g = SRGB_TO_LINEAR[d[p * 3 + 1]!]!
    const bl = SRGB_TO_LINEAR[d[p * 3 + 2]!]!
    const fx = f((0.4124564 * r + 0.3575761 * g + 0.1804375 * bl) / XN)
    const fy = f(0.2126729 * r + 0.7151522 * g + 0.072175 * bl)
    const fz = f((0.0193339 * r + 0.119192 * g + 0.9503041 * bl) / ZN)
    L[p] = 116 * fy - 16
    a[p] = 500 * (fx - fy)
    b[p] = 200 * (fy - fz)
  }
  return { L, a, b }
}
