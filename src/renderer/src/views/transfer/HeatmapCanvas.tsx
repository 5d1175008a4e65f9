import { useEffect, useRef } from 'react'
import type { Heatmap } from '../../../../shared/ipc/channels/transfer'
import { heatmapBox, heatmapRgba } from './transfer-geometry'

/**
 * A similarity map drawn over the target, in image pixels inside the stage's zoomed layer: one
 * canvas pixel per feature cell, scaled by CSS to the crop it covers.
 */
export function HeatmapCanvas({ map, method }: { map: Heatmap; method: string }): React.JSX.Element {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const canvas = ref.current
    const ctx = canvas?.getContext('2d')
    if (!canvas || !ctx) return
    canvas.width = map.width
    canvas.height = map.height
    ctx.putImageData(new ImageData(heatmapRgba(map.values), map.width, map.height), 0, 0)
  }, [map])
  const box = heatmapBox(map)
  return (
    <canvas
      ref={ref}
      className="heatmap"
      data-testid="heatmap-canvas"
      data-method={method}
      data-kind={map.kind}
      aria-hidden="true"
      style={{ left: box.left, top: box.top, width: box.width, height: box.height }}
    />
  )
}

/** Why the map looks as it does: plain similarity, or the hybrid's similarity with its distance penalty. */
export function HeatmapCaption({ method, map }: { method: string; map: Heatmap }): React.JSX.Element {
  if (map.kind === 'similarity') return <span className="muted"> — similarity of {method}</span>
  return (
    <span className="muted" data-testid="heatmap-caption">
      {' '}
      — score of {method}:{' '}
      {map.lambda === 0
        ? 'plain similarity (λ = 0 was best on the val pairs: the mesh prediction does not weigh)'
        : `similarity − λ d² / (2 · 0.15²), λ = ${map.lambda}, d the distance to the mesh prediction`}
    </span>
  )
}
