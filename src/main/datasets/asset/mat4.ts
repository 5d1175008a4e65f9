/**
 * 4x4 affine matrices in glTF's layout: column-major, 16 numbers, so that a glTF
 * `inverseBindMatrices` element or node `matrix` is one directly. Float64 throughout, so that
 * chains of joint transforms add no float32 rounding of their own.
 */
export type Mat4 = Float64Array

export type Quat = readonly [number, number, number, number]

export function mat4Identity(): Mat4 {
  const m = new Float64Array(16)
  m[0] = m[5] = m[10] = m[15] = 1
  return m
}

/** T * R * S, glTF's order for a node's translation, rotation (unit quaternion x, y, z, w) and scale. */
export function mat4FromTrs(t: ArrayLike<number>, q: ArrayLike<number>, s: ArrayLike<number>): Mat4 {
  const [x, y, z, w] = [q[0]!, q[1]!, q[2]!, q[3]!]
  const m = new Float64Array(16)
  m[0] = (1 - 2 * (y * y + z * z)) * s[0]!
  m[1] = 2 * (x * y + z * w) * s[0]!
  m[2] = 2 * (x * z - y * w) * s[0]!
  m[4] = 2 * (x * y - z * w) * s[1]!
  m[5] = (1 - 2 * (x * x + z * z)) * s[1]!
  m[6] = 2 * (y * z + x * w) * s[1]!
  m[8] = 2 * (x * z + y * w) * s[2]!
  m[9] = 2 * (y * z - x * w) * s[2]!
  m[10] = (1 - 2 * (x * x + y * y)) * s[2]!
  m[12] = t[0]!
  m[13] = t[1]!
  m[14] = t[2]!
  m[15] = 1
  return m
}

/** a * b (b applied first). */
export function mat4Multiply(a: Mat4, b: Mat4): Mat4 {
  const out = new Float64Array(16)
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      out[4 * c + r] = a[r]! * b[4 * c]! + a[4 + r]! * b[4 * c + 1]! + a[8 + r]! * b[4 * c + 2]! + a[12 + r]! * b[4 * c + 3]!
    }
  }
  return out
}

/** Normalised spherical interpolation, the shorter way round (glTF's LINEAR for rotations). */
export function slerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Quat {
  let bx = b[0]!
  let by = b[1]!
  let bz = b[2]!
  let bw = b[3]!
  let dot = a[0]! * bx + a[1]! * by + a[2]! * bz + a[3]! * bw
  if (dot < 0) {
    dot = -dot
    bx = -bx
    by = -by
    bz = -bz
    bw = -bw
  }
  let wa: number
  let wb: number
  if (dot > 0.9995) {
    // Nearly parallel: sin(theta) ~ 0, and lerp then normalise is exact enough.
    wa = 1 - t
    wb = t
  } else {
    const theta = Math.acos(dot)
    const sin = Math.sin(theta)
    wa = Math.sin((1 - t) * theta) / sin
    wb = Math.sin(t * theta) / sin
  }
  return normalizeQuat([wa * a[0]! + wb * bx, wa * a[1]! + wb * by, wa * a[2]! + wb * bz, wa * a[3]! + wb * bw])
}

export function normalizeQuat(q: ArrayLike<number>): Quat {
  const l = Math.hypot(q[0]!, q[1]!, q[2]!, q[3]!) || 1
  return [q[0]! / l, q[1]! / l, q[2]! / l, q[3]! / l]
}
