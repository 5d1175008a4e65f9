/**
 * Rate and ETA for long work, from an exponentially smoothed rate so that a single slow item
 * does not make the ETA jump. Pure, so that the CLI, the jobs table and the renderer agree.
 */
export interface RateState {
  startedAt: number
  lastAt: number
  lastDone: number
  rate: number | null
}

export function startRate(now: number, done = 0): RateState {
  return { startedAt: now, lastAt: now, lastDone: done, rate: null }
}

/**
 * Work often completes in bursts (a batch of images at once), so the rate is measured over
 * windows of at least `windowSec`: updates inside a window leave the state as it was.
 */
export function updateRate(state: RateState, now: number, done: number, smoothing = 0.3, windowSec = 0.5): RateState {
  const dt = (now - state.lastAt) / 1000
  if (dt < windowSec) return state
  const instant = Math.max(0, (done - state.lastDone) / dt)
  const rate = state.rate === null ? instant : smoothing * instant + (1 - smoothing) * state.rate
  return { startedAt: state.startedAt, lastAt: now, lastDone: done, rate }
}

export function etaSeconds(rate: number | null, done: number, total: number | null): number | null {
  if (total === null || rate === null || rate <= 0) return null
  return Math.max(0, (total - done) / rate)
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--'
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const r = s % 60
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`
}
