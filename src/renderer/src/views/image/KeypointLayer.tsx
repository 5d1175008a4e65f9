import { keypointColour } from '../../lib/palette'

export interface StageKeypoint {
  x: number
  y: number
  visible: boolean
  edited: boolean
}

/**
 * Keypoints coloured and numbered by SPair id. Invisible (annotated but hidden) points are drawn
 * hollow and dashed so that they read as "here, but not seen"; edited ones carry a white ring.
 */
export function KeypointLayer({
  keypoints,
  screen,
  selected,
}: {
  keypoints: readonly (StageKeypoint | null)[]
  screen: (x: number, y: number) => [number, number]
  selected: number | null
}): React.JSX.Element {
  return (
    <g data-testid="keypoints">
      {keypoints.map((k, id) => {
        if (!k) return null
        const [sx, sy] = screen(k.x, k.y)
        const colour = keypointColour(id)
        return (
          <g
            key={id}
            className={`kp${id === selected ? ' kp-selected' : ''}`}
            data-kp={id}
            data-testid={`kp-${id}`}
            data-x={k.x}
            data-y={k.y}
            data-visible={k.visible}
            data-edited={k.edited}
            transform={`translate(${sx} ${sy})`}
          >
            <title>
              keypoint {id} at ({k.x.toFixed(1)}, {k.y.toFixed(1)}){k.visible ? '' : ', invisible'}
              {k.edited ? ', edited' : ''}
            </title>
            {id === selected ? <circle className="kp-ring" r={12} /> : null}
            {k.edited ? <circle className="kp-edited" r={9.5} /> : null}
            <circle
              className={k.visible ? 'kp-dot' : 'kp-dot kp-hidden'}
              r={6}
              fill={k.visible ? colour : 'none'}
              stroke={k.visible ? '#ffffff' : colour}
            />
            <text className="kp-label" x={9} y={-8}>
              {id}
            </text>
          </g>
        )
      })}
    </g>
  )
}
