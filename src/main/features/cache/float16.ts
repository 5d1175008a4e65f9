/**
 * IEEE 754 half precision, round-to-nearest-even: features are cached at half the size of
 * float32. Unit-norm feature values (|v| <= 1) keep about 3 decimal digits, far below what
 * changes a nearest-neighbour match.
 */
const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

export function toHalf(value: number): number {
  f32[0] = value
  const x = u32[0]!
  const sign = (x >>> 16) & 0x8000
  const exp = (x >>> 23) & 0xff
  let mant = x & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0) // Inf or NaN
  const e = exp - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00 // overflow to Inf
  if (e <= 0) {
    if (e < -10) return sign // underflow to zero
    mant |= 0x800000
    const shift = 14 - e
    const half = 1 << (shift - 1)
    const rounded = mant + half - 1 + ((mant >>> shift) & 1)
    return sign | (rounded >>> shift)
  }
  const rounded = mant + 0xfff + ((mant >>> 13) & 1)
  if (rounded & 0x800000) {
    // The mantissa overflowed into the exponent.
    return e + 1 >= 0x1f ? sign | 0x7c00 : sign | ((e + 1) << 10)
  }
  return sign | (e << 10) | (rounded >>> 13)
}

export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >>> 10) & 0x1f
  const mant = h & 0x3ff
  if (exp === 0) return sign * mant * 2 ** -24
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY
  return sign * (1 + mant / 1024) * 2 ** (exp - 15)
}

export function encodeHalf(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = toHalf(values[i]!)
  return out
}

export function decodeHalf(values: Uint16Array): Float32Array {
  const out = new Float32Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = fromHalf(values[i]!)
  return out
}
