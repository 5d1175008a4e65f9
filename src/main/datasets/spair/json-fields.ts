import type { Bbox, Point } from './types'

/** Warns about one field of the file being read. */
export type FieldWarn = (field: string, message: string) => void

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A short rendering of a bad value for a warning message. */
export function show(value: unknown): string {
  if (value === undefined) return 'missing'
  const text = JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** An integer in [min, max]; anything else warns and gives null. */
export function intField(obj: Record<string, unknown>, key: string, warn: FieldWarn, min: number, max: number): number | null {
  const v = obj[key]
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v
  warn(key, `expected an integer ${min}..${max === Number.MAX_SAFE_INTEGER ? '' : max}, got ${show(v)}`)
  return null
}

export function stringField(obj: Record<string, unknown>, key: string, warn: FieldWarn): string | null {
  const v = obj[key]
  if (typeof v === 'string' && v.length > 0) return v
  warn(key, `expected a non-empty string, got ${show(v)}`)
  return null
}

/** [x, y] of finite numbers, or null. */
export function asPoint(value: unknown): Point | null {
  if (!Array.isArray(value) || value.length !== 2) return null
  const [x, y] = value as unknown[]
  return typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null
}

/** [x1, y1, x2, y2] with x1 <= x2 and y1 <= y2; anything else warns and gives null. */
export function bboxField(obj: Record<string, unknown>, key: string, warn: FieldWarn): Bbox | null {
  const v = obj[key]
  if (Array.isArray(v) && v.length === 4 && v.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    const [x1, y1, x2, y2] = v as Bbox
    if (x1 <= x2 && y1 <= y2) return [x1, y1, x2, y2]
    warn(key, `corners [x1, y1, x2, y2] need x1 <= x2 and y1 <= y2, got ${show(v)}`)
    return null
  }
  warn(key, `expected [x1, y1, x2, y2], got ${show(v)}`)
  return null
}

/** Keypoint ids come as ints in some copies and as strings ("7") in others. */
export function asKeypointId(value: unknown, slots: number): number | null {
  const n = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < slots ? n : null
}

export function pointInside(p: Point, width: number, height: number): boolean {
  // Continuous pixel coordinates: the far edges (x = W, y = H) still touch the image.
  return p[0] >= 0 && p[1] >= 0 && p[0] <= width && p[1] <= height
}

export function parseJson(text: string, warn: FieldWarn): Record<string, unknown> | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    warn('(json)', `not valid JSON: ${(error as Error).message}`)
    return null
  }
  if (isRecord(value)) return value
  warn('(json)', `expected a JSON object, got ${show(value)}`)
  return null
}
