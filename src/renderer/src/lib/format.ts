/** Fractions in [0, 1] as the percentages researchers quote (one decimal). */
export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? '–' : (v * 100).toFixed(1)
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}

export function rate(perSec: number | null | undefined, unit: string): string {
  if (perSec === null || perSec === undefined) return '–'
  return `${perSec >= 10 ? perSec.toFixed(0) : perSec.toFixed(1)} ${unit}/s`
}

export function count(n: number): string {
  return n.toLocaleString('en-US')
}

export function when(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}
