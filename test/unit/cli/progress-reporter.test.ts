import { describe, expect, it } from 'vitest'
import { createProgressReporter } from '../../../src/main/cli/progress-reporter'

function sink(isTTY: boolean): NodeJS.WritableStream & { isTTY: boolean; columns: number; text: string } {
  const s = { isTTY, columns: 120, text: '', write: (chunk: string) => ((s.text += chunk), true) }
  return s as unknown as NodeJS.WritableStream & { isTTY: boolean; columns: number; text: string }
}

const p = (done: number) => ({ done, total: 10, unit: 'files', ratePerSec: 2, etaSec: (10 - done) / 2 })

describe('CLI progress reporter', () => {
  it('redraws one line with a bar, rate and ETA on a terminal', () => {
    const s = sink(true)
    const r = createProgressReporter(s, 'import')
    r.update(p(5))
    r.done()
    expect(s.text).toBe('\r\x1b[2K[###############...............] import  50% 5/10 files 2.0 files/s ETA 3s\n')
  })

  it('prints plain lines at most every interval, and always the last one, when not a terminal', () => {
    const s = sink(false)
    const r = createProgressReporter(s, 'import', 60_000)
    r.update(p(1))
    r.update(p(2))
    r.update(p(10))
    expect(s.text.split('\n').filter(Boolean)).toEqual([
      'import  10% 1/10 files 2.0 files/s ETA 5s',
      'import 100% 10/10 files 2.0 files/s ETA 0s',
    ])
  })
})
