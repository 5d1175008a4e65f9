import { formatAlpha } from './alpha-keys'
import { MEASURE_LABEL } from './report-columns'
import type { Measure } from './report-columns'
import type { PckReport } from './pck-types'

export interface PlotOptions {
  /** Default 'perImage'. */
  measure?: Measure
  title?: string
  width?: number
  height?: number
}

/** Okabe-Ito without yellow and black (unreadable on white / taken by the axes): safe for colour-blind readers. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9']

/** Palette first, then hues a golden angle apart, which stay distinct for any number of methods. */
function methodColour(i: number): string {
  return PALETTE[i] ?? `hsl(${Math.round((i * 137.508) % 360)} 70% 40%)`
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const f = (v: number): string => String(Math.round(v * 10) / 10)

/**
 * A stand-alone SVG of overall PCK (%) against alpha, one polyline with markers per report, in
 * report order. The x axis starts at 0 so that curves over different alpha sets stay comparable.
 */
export function pckPlotSvg(reports: readonly PckReport[], options: PlotOptions = {}): string {
  const measure = options.measure ?? 'perImage'
  const width = options.width ?? 640
  // Tall enough for the legend, one 18 px row per method.
  const height = Math.max(options.height ?? 400, 44 + 18 * reports.length + 60)
  const title = options.title ?? `PCK versus alpha (${MEASURE_LABEL[measure]})`
  const left = 56
  const right = width - 180
  const top = 44
  const bottom = height - 52

  const alphaValues = [...new Set(reports.flatMap((r) => r.alphas.map(Number)))].sort((a, b) => a - b)
  const xMax = alphaValues.at(-1) ?? 0.15
  const x = (alpha: number): number => left + (alpha / xMax) * (right - left)
  const y = (pck: number): number => bottom - pck * (bottom - top)

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${f(width / 2)}" y="24" text-anchor="middle" font-size="15">${xml(title)}</text>`,
  ]
  for (let pct = 0; pct <= 100; pct += 20) {
    const yy = f(y(pct / 100))
    out.push(`<line x1="${left}" y1="${yy}" x2="${right}" y2="${yy}" stroke="#dddddd"/>`)
    out.push(`<text x="${left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${pct}</text>`)
  }
  let lastLabelX = -Infinity
  for (const alpha of [0, ...alphaValues]) {
    const xx = x(alpha)
    out.push(`<line x1="${f(xx)}" y1="${bottom}" x2="${f(xx)}" y2="${bottom + 5}" stroke="#000000"/>`)
    // Dense alpha sweeps would print labels over each other: skip one too close to the last.
    if (xx - lastLabelX >= 30) {
      out.push(`<text x="${f(xx)}" y="${bottom + 18}" text-anchor="middle">${formatAlpha(alpha)}</text>`)
      lastLabelX = xx
    }
  }
  out.push(
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#000000"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#000000"/>`,
    `<text x="${f((left + right) / 2)}" y="${height - 12}" text-anchor="middle">alpha</text>`,
    `<text transform="translate(16 ${f((top + bottom) / 2)}) rotate(-90)" text-anchor="middle">PCK (%)</text>`,
  )
  reports.forEach((r, i) => {
    const colour = methodColour(i)
    const points = r.alphas
      .map((key) => ({ alpha: Number(key), pck: r.overall[key]?.[measure] }))
      .filter((p): p is { alpha: number; pck: number } => p.pck !== undefined)
      .sort((a, b) => a.alpha - b.alpha)
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map((p) => `${f(x(p.alpha))},${f(y(p.pck))}`).join(' ')}"/>`)
    for (const p of points) out.push(`<circle cx="${f(x(p.alpha))}" cy="${f(y(p.pck))}" r="3" fill="${colour}"/>`)
    const ly = top + 8 + i * 18
    out.push(
      `<line x1="${right + 16}" y1="${ly}" x2="${right + 36}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${right + 42}" y="${ly}" dominant-baseline="middle">${xml(r.method)}</text>`,
    )
  })
  out.push('</svg>')
  return `${out.join('\n')}\n`
}
