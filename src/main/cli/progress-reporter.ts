import type { Progress } from '../../shared/ipc/channels/jobs'
import { formatDuration } from '../../shared/progress'

/**
 * Job progress on stderr: a bar redrawn in place on a terminal, one line every few seconds
 * otherwise (CI logs, pipes), so that stdout stays clean for results and --json.
 */
export function createProgressReporter(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  label: string,
  lineEveryMs = 5000,
): { update(p: Progress): void; done(): void } {
  let lastLine = 0
  let drawn = false
  const text = (p: Progress): string => {
    const of = p.total === null ? '' : `/${p.total}`
    const pct = p.total ? ` ${((100 * p.done) / p.total).toFixed(0).padStart(3)}%` : ''
    const rate = p.ratePerSec === null ? '' : ` ${p.ratePerSec.toFixed(1)} ${p.unit}/s`
    const eta = p.etaSec === null ? '' : ` ETA ${formatDuration(p.etaSec)}`
    return `${label}${pct} ${p.done}${of} ${p.unit}${rate}${eta}${p.message ? `  ${p.message}` : ''}`
  }
  return {
    update(p) {
      if (stream.isTTY) {
        const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 70))
        const filled = p.total ? Math.round((width * p.done) / p.total) : 0
        const bar = p.total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : ''
        stream.write(`\r\x1b[2K${bar}${text(p)}`)
        drawn = true
        return
      }
      const now = Date.now()
      if (now - lastLine >= lineEveryMs || (p.total !== null && p.done >= p.total)) {
        lastLine = now
        stream.write(`${text(p)}\n`)
      }
    },
    done() {
      if (drawn) stream.write('\n')
      drawn = false
    },
  }
}
