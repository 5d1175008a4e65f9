import { useEffect, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import type { Bbox } from '../../../../shared/ipc/channels/datasets'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { KeypointLayer } from './KeypointLayer'
import type { StageKeypoint } from './KeypointLayer'
import { MaskCanvas } from './MaskCanvas'
import { clamp, fitView, round1, zoomAt } from './view-transform'
import type { View } from './view-transform'

export type { StageKeypoint }

/** Present only in edit mode: what the stage's gestures ask the owner to save. */
export interface StageEdits {
  onSelect(id: number | null): void
  onMoveKeypoint(id: number, x: number, y: number): void
  /** A click on the image while `selected` names an empty slot. */
  onAddKeypoint(id: number, x: number, y: number): void
  onSetBbox(bbox: Bbox): void
}

export interface Layers {
  mask: boolean
  bbox: boolean
  keypoints: boolean
}

interface Props {
  src: string
  maskSrc: string | null
  width: number
  height: number
  keypoints: readonly (StageKeypoint | null)[]
  bbox: Bbox | null
  layers: Layers
  selected: number | null
  edits?: StageEdits
  label: string
  /** Read-only stages: a click (not a drag) on the image, in image pixels; `scale` is screen pixels per image pixel. */
  onPick?: (x: number, y: number, scale: number) => void
  /** Drawn in image pixels under the overlays (e.g. a heatmap canvas positioned in image coordinates). */
  underlay?: ReactNode
  /** Extra screen-space SVG drawn over the keypoints; `scale` is screen pixels per image pixel. */
  overlay?: (screen: (x: number, y: number) => [number, number], scale: number) => ReactNode
}

type Drag =
  | { kind: 'pan'; x0: number; y0: number; from: View; moved: boolean }
  | { kind: 'kp'; id: number; x0: number; y0: number; moved: boolean }
  | { kind: 'corner'; corner: number; x0: number; y0: number; moved: boolean }

/**
 * A live gesture's result, drawn until the owner's data changes. It is tied to the props it was
 * made on, so a reload after the save (successful or not) replaces it without an effect.
 */
interface Preview {
  basis: readonly unknown[]
  kp?: { id: number; x: number; y: number }
  bbox?: Bbox
}

/** Screen pixels a pointer may travel and still count as a click. */
const CLICK_SLOP = 3

/**
 * The image with zoom (wheel, about the cursor) and pan (drag), mask, box and keypoints. Overlays
 * are drawn in screen space so markers and numbers keep their size at any zoom.
 */
export function ImageStage(props: Props): React.JSX.Element {
  const { src, maskSrc, width, height, keypoints, bbox, layers, selected, edits, label, onPick, underlay, overlay } = props
  const stageRef = useRef<HTMLDivElement>(null)
  const drag = useRef<Drag | null>(null)
  const [size, setSize] = useState({ w: 0, h: 0 })
  const [userView, setUserView] = useState<View | null>(null)
  const [preview, setPreview] = useState<Preview | null>(null)
  const [loadError, setLoadError] = useState<{ src: string; message: string } | null>(null)

  useEffect(() => {
    const el = stageRef.current
    if (!el) return
    const ro = new ResizeObserver(([entry]) => {
      if (entry) setSize({ w: entry.contentRect.width, h: entry.contentRect.height })
    })
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  // null = "fit": follows the stage size until the user zooms or pans.
  const fit = fitView(size.w, size.h, width, height)
  const view = userView ?? fit

  // React's wheel listener is passive; zooming must stop the page from scrolling.
  useEffect(() => {
    const el = stageRef.current
    if (!el) return
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault()
      const r = el.getBoundingClientRect()
      const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015))
      setUserView((v) => zoomAt(v ?? fitView(r.width, r.height, width, height), factor, e.clientX - r.left, e.clientY - r.top))
    }
    el.addEventListener('wheel', onWheel, { passive: false })
    return () => el.removeEventListener('wheel', onWheel)
  }, [width, height])

  const basis = [keypoints, bbox]
  const live = preview && preview.basis[0] === keypoints && preview.basis[1] === bbox ? preview : null
  const shownBbox = live?.bbox ?? bbox

  const toImage = (clientX: number, clientY: number): [number, number] => {
    const r = stageRef.current!.getBoundingClientRect()
    return [clamp((clientX - r.left - view.tx) / view.s, 0, width), clamp((clientY - r.top - view.ty) / view.s, 0, height)]
  }

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0 && e.button !== 1) return
    const target = e.target as Element
    const kpEl = e.button === 0 && edits ? target.closest('[data-kp]') : null
    const cornerEl = e.button === 0 && edits && layers.bbox ? target.closest('[data-corner]') : null
    e.currentTarget.setPointerCapture(e.pointerId)
    const at = { x0: e.clientX, y0: e.clientY, moved: false }
    if (kpEl) {
      const id = Number(kpEl.getAttribute('data-kp'))
      edits?.onSelect(id)
      drag.current = { kind: 'kp', id, ...at }
    } else if (cornerEl) {
      drag.current = { kind: 'corner', corner: Number(cornerEl.getAttribute('data-corner')), ...at }
    } else {
      drag.current = { kind: 'pan', from: view, ...at }
    }
  }

  const onPointerMove = (e: React.PointerEvent<HTMLDivElement>): void => {
    const d = drag.current
    if (!d) return
    const dx = e.clientX - d.x0
    const dy = e.clientY - d.y0
    if (!d.moved && Math.hypot(dx, dy) < CLICK_SLOP) return
    d.moved = true
    if (d.kind === 'pan') {
      setUserView({ s: d.from.s, tx: d.from.tx + dx, ty: d.from.ty + dy })
    } else if (d.kind === 'kp') {
      const [x, y] = toImage(e.clientX, e.clientY)
      setPreview({ basis, kp: { id: d.id, x, y } })
    } else if (bbox) {
      const [x, y] = toImage(e.clientX, e.clientY)
      const b: Bbox = [...(live?.bbox ?? bbox)]
      // Corners 0..3 = top-left, top-right, bottom-right, bottom-left.
      if (d.corner === 0 || d.corner === 3) b[0] = x
      else b[2] = x
      if (d.corner === 0 || d.corner === 1) b[1] = y
      else b[3] = y
      setPreview({ basis, bbox: b })
    }
  }

  const onPointerUp = (e: React.PointerEvent<HTMLDivElement>): void => {
    const d = drag.current
    drag.current = null
    if (!d) return
    if (!edits) {
      if (onPick && d.kind === 'pan' && !d.moved && e.button === 0) onPick(...toImage(e.clientX, e.clientY), view.s)
      return
    }
    if (d.kind === 'kp' && d.moved && live?.kp) {
      edits.onMoveKeypoint(d.id, round1(live.kp.x), round1(live.kp.y))
    } else if (d.kind === 'corner' && d.moved && live?.bbox) {
      const [a, b, c, dd] = live.bbox
      edits.onSetBbox([round1(Math.min(a, c)), round1(Math.min(b, dd)), round1(Math.max(a, c)), round1(Math.max(b, dd))])
    } else if (d.kind === 'pan' && !d.moved && e.button === 0) {
      const [x, y] = toImage(e.clientX, e.clientY)
      if (selected !== null && !keypoints[selected]) edits.onAddKeypoint(selected, round1(x), round1(y))
      else edits.onSelect(null)
    }
  }

  const zoomBy = (factor: number): void => setUserView(zoomAt(view, factor, size.w / 2, size.h / 2))
  const screen = (x: number, y: number): [number, number] => [x * view.s + view.tx, y * view.s + view.ty]
  const shownKeypoints = live?.kp
    ? keypoints.map((k, id) => (id === live.kp!.id && k ? { ...k, x: live.kp!.x, y: live.kp!.y } : k))
    : keypoints
  const error = loadError?.src === src ? loadError.message : null

  return (
    <div className="stage-wrap">
      <div className="stage-tools">
        <button type="button" onClick={() => zoomBy(1.25)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoomBy(0.8)} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={() => setUserView(null)}>
          Fit
        </button>
        <span className="muted" data-testid="zoom">
          {Math.round(view.s * 100)}%
        </span>
      </div>
      <div
        ref={stageRef}
        className={`stage${edits || onPick ? ' stage-edit' : ''}`}
        data-testid="image-stage"
        aria-label={label}
        role="img"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => (drag.current = null)}
      >
        <div
          className="stage-layer"
          style={{ width, height, transform: `translate(${view.tx}px, ${view.ty}px) scale(${view.s})` }}
        >
          <img
            src={src}
            alt=""
            draggable={false}
            data-testid="stage-image"
            onError={() => setLoadError({ src, message: `could not load the image ${decodeURIComponent(src)}` })}
          />
          {layers.mask && maskSrc ? (
            <MaskCanvas key={maskSrc} src={maskSrc} onError={(message) => setLoadError({ src, message })} />
          ) : null}
          {underlay}
        </div>
        <svg className="stage-overlay" width={size.w} height={size.h}>
          {layers.bbox && shownBbox ? <BboxShape bbox={shownBbox} screen={screen} editable={edits !== undefined} /> : null}
          {layers.keypoints ? <KeypointLayer keypoints={shownKeypoints} screen={screen} selected={selected} /> : null}
          {overlay?.(screen, view.s)}
        </svg>
      </div>
      <ErrorAlert error={error} />
    </div>
  )
}

function BboxShape({
  bbox,
  screen,
  editable,
}: {
  bbox: Bbox
  screen: (x: number, y: number) => [number, number]
  editable: boolean
}): React.JSX.Element {
  const [x1, y1] = screen(bbox[0], bbox[1])
  const [x2, y2] = screen(bbox[2], bbox[3])
  const corners: [number, number][] = [
    [x1, y1],
    [x2, y1],
    [x2, y2],
    [x1, y2],
  ]
  return (
    <g data-testid="bbox" data-bbox={bbox.join(',')}>
      <rect className="bbox-halo" x={x1} y={y1} width={x2 - x1} height={y2 - y1} />
      <rect className="bbox" x={x1} y={y1} width={x2 - x1} height={y2 - y1} />
      {editable
        ? corners.map(([cx, cy], i) => (
            <rect key={i} className="bbox-corner" data-corner={i} x={cx - 6} y={cy - 6} width={12} height={12}>
              <title>drag to resize the box</title>
            </rect>
          ))
        : null}
    </g>
  )
}
