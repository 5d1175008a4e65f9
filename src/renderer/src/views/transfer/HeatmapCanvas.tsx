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
