import { MatFileError } from './mat-file'
import type { MatNumeric, MatValue } from './mat-file'

/** A 2-D numeric variable read row by row (MAT-files store column-major). */
export interface MatMatrix {
  rows: number
  cols: number
  at(row: number, col: number): number
}

/** The named variable as a real 2-D numeric matrix, or a MatFileError naming file and field. */
export function numericMatrix(vars: Map<string, MatValue>, name: string, file: string): MatMatrix {
  const v = vars.get(name)
  if (v === undefined) throw new MatFileError(file, name, `missing (the file has ${[...vars.keys()].join(', ') || 'no variables'})`)
  return asMatrix(v, file, name)
}

export function asMatrix(v: MatValue, file: string, field: string): MatMatrix {
  if (v.kind !== 'numeric') throw new MatFileError(file, field, `expected a numeric matrix, got a ${v.kind} array`)
  if (v.dims.length !== 2) throw new MatFileError(file, field, `expected a 2-D matrix, got ${v.dims.join('x')}`)
  if (v.im && v.im.some((x) => x !== 0)) throw new MatFileError(file, field, 'expected real numbers, got a complex matrix')
  const [rows, cols] = v.dims as [number, number]
  const re = (v as MatNumeric).re
  return { rows, cols, at: (r, c) => re[c * rows + r] as number }
}
