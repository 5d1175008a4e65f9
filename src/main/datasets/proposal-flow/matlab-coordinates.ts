import { MatFileError, readMatFile } from '../matlab/mat-file'
import type { MatValue } from '../matlab/mat-file'
import { asMatrix } from '../matlab/mat-values'
import { KEYPOINT_SLOTS } from '../spair/types'
import type { Bbox, Point, Warn } from '../spair/types'

/**
 * Proposal Flow's annotations (the .mat files and the CSV pair lists made from them) are MATLAB
 * pixel coordinates, 1-based: the centre of the top-left pixel is (1, 1). The index stores
 * 0-based pixel coordinates (the top-left pixel's centre at (0, 0)), the frame image decoders,
 * the feature maps and the SPair-71k JSON files use, so every coordinate read from these files
 * has 1 subtracted, here and nowhere else.
 */
export const fromMatlab = (v: number): number => v - 1

export interface MatKeypoints {
  /** Row i of the matrix is keypoint id i; a NaN row is null (not annotated). */
  keypoints: (Point | null)[]
  bbox: Bbox | null
}

/**
 * `kps` (N x 2, NaN rows for missing points; PF-PASCAL, PF-WILLOW) or `pts_coord` (2 x N, the
 * WILLOW-ObjectClass layout some PF-WILLOW copies carry), and `bbox` (1 x 4 corners) when
 * present. Null after a warning naming the file and field when the keypoints cannot be read.
 */
export function readMatKeypoints(bytes: Buffer, file: string, warn: Warn): MatKeypoints | null {
  let vars: Map<string, MatValue>
  try {
    vars = readMatFile(bytes, file)
  } catch (error) {
    if (!(error instanceof MatFileError)) throw error
    warn(file, error.field, error.detail)
    return null
  }
  const field = vars.has('kps') ? 'kps' : vars.has('pts_coord') ? 'pts_coord' : null
  if (field === null) {
    warn(file, 'kps', `missing (the file has ${[...vars.keys()].join(', ') || 'no variables'})`)
    return null
  }
  let rows: [number, number][]
  try {
    const m = asMatrix(vars.get(field)!, file, field)
    const byRow = field === 'kps' ? m.cols === 2 : m.rows !== 2
    const n = byRow ? m.rows : m.cols
    if ((byRow ? m.cols : m.rows) !== 2) throw new MatFileError(file, field, `expected ${field === 'kps' ? 'N x 2' : '2 x N'}, got ${m.rows} x ${m.cols}`)
    rows = Array.from({ length: n }, (_, i) => (byRow ? [m.at(i, 0), m.at(i, 1)] : [m.at(0, i), m.at(1, i)]))
  } catch (error) {
    if (!(error instanceof MatFileError)) throw error
    warn(file, error.field, error.detail)
    return null
  }
  if (rows.length > KEYPOINT_SLOTS) {
    warn(file, field, `${rows.length} keypoints; the index keeps ids 0..${KEYPOINT_SLOTS - 1}`)
    rows = rows.slice(0, KEYPOINT_SLOTS)
  }
  const keypoints = rows.map(([x, y], i): Point | null => {
    if (Number.isFinite(x) && Number.isFinite(y)) return [fromMatlab(x), fromMatlab(y)]
    if (!Number.isNaN(x) || !Number.isNaN(y)) warn(file, `${field}(${i + 1},:)`, `[${x}, ${y}] is neither a point nor NaN (missing); read as missing`)
    return null
  })
  return { keypoints, bbox: readBbox(vars, file, warn) }
}

function readBbox(vars: Map<string, MatValue>, file: string, warn: Warn): Bbox | null {
  const v = vars.get('bbox')
  if (v === undefined) return null
  try {
    const m = asMatrix(v, file, 'bbox')
    if (m.rows * m.cols !== 4) throw new MatFileError(file, 'bbox', `expected 4 corners [x1 y1 x2 y2], got ${m.rows} x ${m.cols}`)
    const c = [0, 1, 2, 3].map((i) => (m.rows === 1 ? m.at(0, i) : m.at(i, 0)))
    if (!c.every(Number.isFinite) || c[0]! > c[2]! || c[1]! > c[3]!) throw new MatFileError(file, 'bbox', `[${c.join(' ')}] is not a box with x1 <= x2 and y1 <= y2`)
    return c.map(fromMatlab) as Bbox
  } catch (error) {
    if (!(error instanceof MatFileError)) throw error
    warn(file, 'bbox', error.detail)
    return null
  }
}

/** `;`-separated coordinates of the CNNGeometric/WeakAlign pair lists ("12.5;40;7"), or null. */
export function coordinateList(text: string): number[] | null {
  if (text.trim() === '') return []
  const out: number[] = []
  for (const part of text.split(';')) {
    const t = part.trim()
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null
    const n = Number(t)
    if (!Number.isFinite(n)) return null
    out.push(n)
  }
  return out
}
