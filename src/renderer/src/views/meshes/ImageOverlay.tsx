import { useEffect, useRef, useState } from 'react'
import type { InstanceMesh } from '../../../../shared/ipc/channels/meshes'
import { mediaUrl } from '../../lib/media'
import { keypointColour } from '../../lib/palette'
import { nearestProjected, rgbCss } from './mesh-math'

interface Props {
  mesh: InstanceMesh
  colours: Float32Array
  picked: number | null
  onPick: (vertex: number) => void
  label: string
}

/** Screen pixels around a click within which the nearest visible projected vertex is taken. */
const PICK_RADIUS = 12

/**
 * The image with the fitted mesh projected onto it: the edges of faces whose three vertices are
 * visible, coloured like the 3-D view; each annotated keypoint joined to the vertex it lands on;
 * the picked vertex ringed. A click picks the nearest visible projected vertex.
 */
export function ImageOverlay({ mesh, colours, picked, onPick, label }: Props): React.JSX.Element {
  const img = useRef<HTMLImageElement>(null)
  const canvas = useRef<HTMLCanvasElement>(null)
  const [size, setSize] = useState<{ w: number; h: number } | null>(null)
  const { width, height } = mesh.image

  useEffect(() => {
    const el = img.current
    if (!el) return
    const measure = (): void => setSize(el.clientWidth > 0 ? { w: el.clientWidth, h: el.clientHeight } : null)
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  useEffect(() => {
    const c = canvas.current
    if (!c || !size) return
    c.width = size.w
    c.height = size.h
    const ctx = c.getContext('2d')
    if (!ctx) return
    const s = size.w / width
    const P = mesh.projected
    ctx.clearRect(0, 0, c.width, c.height)
    ctx.lineWidth = 0.8
    const f = mesh.faces
    for (let q = 0; q < f.length; q += 3) {
      const a = f[q]!
      const b = f[q + 1]!
      const d = f[q + 2]!
      if (!mesh.visible[a] || !mesh.visible[b] || !mesh.visible[d]) continue
      ctx.strokeStyle = rgbCss(colours, a, 0.7)
      ctx.beginPath()
      ctx.moveTo(P[2 * a]! * s, P[2 * a + 1]! * s)
      ctx.lineTo(P[2 * b]! * s, P[2 * b + 1]! * s)
      ctx.lineTo(P[2 * d]! * s, P[2 * d + 1]! * s)
      ctx.closePath()
      ctx.stroke()
    }
    ctx.font = '11px system-ui, sans-serif'
    for (const k of mesh.keypoints) {
      const [x, y] = [k.point[0] * s, k.point[1] * s]
      if (k.vertex !== null) {
        ctx.strokeStyle = '#ffffff'
        ctx.lineWidth = 1
        ctx.beginPath()
        ctx.moveTo(x, y)
        ctx.lineTo(P[2 * k.vertex]! * s, P[2 * k.vertex + 1]! * s)
        ctx.stroke()
      }
      ctx.fillStyle = keypointColour(k.id)
      ctx.strokeStyle = '#000000'
      ctx.beginPath()
      ctx.arc(x, y, 4, 0, 2 * Math.PI)
      ctx.fill()
      ctx.stroke()
      ctx.fillStyle = '#ffffff'
      ctx.fillText(String(k.id), x + 6, y - 4)
    }
    if (picked !== null) {
      const [x, y] = [P[2 * picked]! * s, P[2 * picked + 1]! * s]
      ctx.lineWidth = 2
      for (const [colour, r] of [
        ['#000000', 7],
        ['#ffffff', 6],
      ] as const) {
        ctx.strokeStyle = colour
        ctx.beginPath()
        ctx.arc(x, y, r, 0, 2 * Math.PI)
        ctx.stroke()
      }
    }
  }, [mesh, colours, picked, size, width])

  const click = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    if (!size) return
    const rect = e.currentTarget.getBoundingClientRect()
    const s = size.w / width
    const v = nearestProjected(mesh.projected, mesh.visible, (e.clientX - rect.left) / s, (e.clientY - rect.top) / s, PICK_RADIUS / s)
    if (v !== null) onPick(v)
  }

  return (
    <figure className="mesh-overlay" aria-label={label}>
      <div className="mesh-overlay-stage">
        <img ref={img} src={mediaUrl(mesh.dataset, mesh.image.file)} alt={`${mesh.image.category}/${mesh.image.stem}`} width={width} height={height} />
        <canvas ref={canvas} onClick={click} data-testid="mesh-overlay-canvas" />
      </div>
      <div className="row small kp-vertices" role="group" aria-label={`Keypoints of ${mesh.image.stem} and their vertices`}>
        {mesh.keypoints.map((k) =>
          k.vertex === null ? null : (
            <button
              key={k.id}
              type="button"
              className="link"
              aria-pressed={picked === k.vertex}
              data-vertex={k.vertex}
              data-x={mesh.projected[2 * k.vertex]}
              data-y={mesh.projected[2 * k.vertex + 1]}
              onClick={() => onPick(k.vertex!)}
              title={`keypoint ${k.id} lands on vertex ${k.vertex}`}
            >
              <span className="swatch" style={{ background: keypointColour(k.id) }} /> {k.id}→{k.vertex}
            </button>
          ),
        )}
      </div>
      <figcaption className="muted small">
        {mesh.image.category}/{mesh.image.stem}: fit loss {mesh.fit.loss.toFixed(4)} ({mesh.fit.cache === 'hit' ? 'cached' : 'fitted now'}), azimuth{' '}
        {((mesh.pose.azimuth * 180) / Math.PI).toFixed(0)}°, {mesh.visible.filter((v) => v).length} of {mesh.vertexCount} vertices visible
      </figcaption>
    </figure>
  )
}
