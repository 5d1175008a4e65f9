import type { LayoutEntry, LayoutSize, Split, Warn } from './types'

export interface LayoutFile {
  /** `Layout/<layout>/<split>.txt`, relative to the root. */
  file: string
  layout: LayoutSize
  split: Split
}

/**
 * One pair name per line. The devkit loaders read `split('\n')[:-1]` and so lose the last
 * name of a file without a trailing newline; here only a truly empty last line is dropped.
 */
export function parseLayoutFile(text: string, at: LayoutFile, warn: Warn): LayoutEntry[] {
  const lines = text.split('\n')
  const entries: LayoutEntry[] = []
  for (const [i, raw] of lines.entries()) {
    const name = raw.trim().replace(/\.json$/, '')
    if (name.length > 0) {
      entries.push({ layout: at.layout, split: at.split, line: i + 1, pairName: name })
    } else if (i < lines.length - 1) {
      warn(at.file, `line ${i + 1}`, 'empty line ignored')
    }
  }
  return entries
}
