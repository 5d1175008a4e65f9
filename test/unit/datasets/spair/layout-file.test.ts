import { describe, expect, it } from 'vitest'
import { parseLayoutFile } from '../../../../src/main/datasets/spair/layout-file'
import { collector, where } from './helpers'

const at = { file: 'Layout/large/test.txt', layout: 'large' as const, split: 'test' as const }
const names = (text: string) => {
  const c = collector()
  return { names: parseLayoutFile(text, at, c.warn).map((e) => e.pairName), entries: parseLayoutFile(text, at, () => {}), warnings: c.warnings }
}

describe('parseLayoutFile', () => {
  it('reads one name per line and drops only the empty string after the final newline', () => {
    expect(names('a:cat\nb:cat\n').names).toEqual(['a:cat', 'b:cat'])
  })

  it('keeps the last name of a file without a trailing newline (the devkit loaders drop it)', () => {
    expect(names('a:cat\nb:cat').names).toEqual(['a:cat', 'b:cat'])
  })

  it('accepts CRLF line ends and a .json suffix', () => {
    expect(names('a:cat\r\nb:cat.json\r\n').names).toEqual(['a:cat', 'b:cat'])
  })

  it('records 1-based line numbers and warns about blank lines inside the file', () => {
    const r = names('a:cat\n\nb:cat\n')
    expect(r.entries.map((e) => e.line)).toEqual([1, 3])
    expect(where(r.warnings)).toEqual([['Layout/large/test.txt', 'line 2']])
  })
})
