export interface View {
  /** Screen pixels per image pixel. */
  s: number
  tx: number
  ty: number
}

export const MIN_ZOOM = 0.05
export const MAX_ZOOM = 40

/** The whole image centred in the stage, with a small margin. */
export function fitView(stageW: number, stageH: number, imageW: number, imageH: number): View {
  if (stageW <= 0 || stageH <= 0 || imageW <= 0 || imageH <= 0) return { s: 1, tx: 0, ty: 0 }
  const s = Math.min((stageW - 16) / imageW, (stageH - 16) / imageH)
  return { s, tx: (stageW - imageW * s) / 2, ty: (stageH - imageH * s) / 2 }
}

/** Zoom by `factor` keeping the image point under (cx, cy) where it is, as maps do. */
export function zoomAt(v: View, factor: number, cx: number, cy: number): View {
  const s = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, v.s * factor))
  const k = s / v.s
  return { s, tx: cx - (cx - v.tx) * k, ty: cy - (cy - v.ty) * k }
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v))
}

/** One decimal: sub-pixel placement matters when zoomed in, more digits are noise. */
export function round1(v: number): number {
  return Math.round(v * 10) / 10
}
