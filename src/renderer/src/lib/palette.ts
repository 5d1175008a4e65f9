export { KEYPOINT_COLOURS, keypointColour } from '../../../shared/keypoint-colours'

/** Okabe-Ito, as in src/shared/eval/pck-plot-svg.ts, so the chart matches the exported SVG. */
const METHOD_PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9']

export function methodColour(i: number): string {
  return METHOD_PALETTE[i] ?? `hsl(${Math.round((i * 137.508) % 360)} 70% 40%)`
}
