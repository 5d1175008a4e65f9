import { finiteNumber } from '../csv-rows'
import type { Warn } from '../spair/types'
import { numberedLines } from '../tree-files'

export type Column = 'id' | 'number' | 'name' | 'rest'

export interface TableRow {
  line: number
  values: (number | string)[]
}

/**
 * One of CUB-200-2011's space-separated tables (`<image_id> <x> <y> ...`), each row checked
 * against its columns: `id` a positive integer, `number` a finite number, `name` one token,
 * `rest` the remainder of the line (part names have spaces). A bad row is skipped with a
 * warning naming the file and line.
 */
export function readTable(text: string, file: string, columns: readonly Column[], warn: Warn): TableRow[] {
  const rows: TableRow[] = []
  for (const { line, text: t } of numberedLines(text)) {
    const tokens = t.trim().split(/\s+/)
    const restAt = columns.indexOf('rest')
    if (restAt < 0 ? tokens.length !== columns.length : tokens.length < columns.length) {
      warn(file, `line ${line}`, `expected ${columns.length} fields (${columns.join(' ')}), got ${tokens.length}; row skipped`)
      continue
    }
    const values: (number | string)[] = []
    let bad: string | null = null
    for (const [i, kind] of columns.entries()) {
      const token = kind === 'rest' ? tokens.slice(i).join(' ') : (tokens[i] as string)
      if (kind === 'id' || kind === 'number') {
        const n = finiteNumber(token)
        if (n === null || (kind === 'id' && (!Number.isInteger(n) || n < 1))) {
          bad = `field ${i + 1} ${JSON.stringify(token.slice(0, 40))} is not ${kind === 'id' ? 'a positive integer id' : 'a number'}`
          break
        }
        values.push(n)
      } else values.push(token)
    }
    if (bad !== null) warn(file, `line ${line}`, `${bad}; row skipped`)
    else rows.push({ line, values })
  }
  return rows
}
