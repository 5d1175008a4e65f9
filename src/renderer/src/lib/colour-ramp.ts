export type Rgb = readonly [number, number, number]

/**
 * A colour ramp through evenly spaced stops, linear between them: the views' sequential maps
 * (viridis for mesh magnitudes, inferno for score maps over photos) differ only in their stops.
 * t is clamped to [0, 1]; a non-finite t reads as 0.
 */
export function rampColour(stops: readonly Rgb[], t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1)
  const i = Math.min(stops.length - 2, Math.floor(x))
  const f = x - i
  const a = stops[i]!
  const b = stops[i + 1]!
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])]
}
