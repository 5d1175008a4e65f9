import { numberedLines } from './tree-files'

export interface CsvRow {
  /** 1-based line in the file. */
  line: number
  fields: string[]
}

/**
 * Rows of a comma-separated file as pandas writes the pair lists (RFC 4180 quoting, no quoted
 * newlines in these files), each with its line number for warnings. Fields are trimmed.
 */
export function csvRows(text: string): CsvRow[] {
  return numberedLines(text).map(({ line, text: t }) => ({ line, fields: splitCsvLine(t) }))
}

function splitCsvLine(line: string): string[] {
  const fields: string[] = []
  let i = 0
  for (;;) {
    let value = ''
    if (line[i] === '"') {
      i++
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"'
          i += 2
        } else if (line[i] === '"') {
          i++
          break
        } else value += line[i++]
      }
      while (i < line.length && line[i] !== ',') value += line[i++]
    } else {
      const end = line.indexOf(',', i)
      value = end < 0 ? line.slice(i) : line.slice(i, end)
      i = end < 0 ? line.length : end
    }
    fields.push(value.trim())
    if (i >= line.length) return fields
    i++ // the comma
  }
}

/** A finite number written as text (no empty strings, no "NaN"), or null. */
export function finiteNumber(text: string): number | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return null
  const n = Number(text)
  return Number.isFinite(n) ? n : null
}
