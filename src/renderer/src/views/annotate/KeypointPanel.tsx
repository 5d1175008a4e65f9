import type { CuratedImage } from '../../../../shared/ipc/channels/curation'
import { keypointColour } from '../../lib/palette'

/**
 * The 30 SPair keypoint ids: filled = annotated, hollow = empty slot. Picking an empty id arms
 * "click on the image to add it"; picking an annotated one selects it for V / Delete / R.
 */
export function KeypointPanel({
  image,
  selected,
  onSelect,
  onRemove,
  onToggle,
  onReset,
}: {
  image: CuratedImage
  selected: number | null
  onSelect: (id: number | null) => void
  onRemove: (id: number) => void
  onToggle: (id: number) => void
  onReset: (id: number) => void
}): React.JSX.Element {
  const k = selected === null ? null : (image.keypoints[selected] ?? null)
  const originallyThere = selected !== null && image.original.keypoints[selected] != null
  const edited = selected !== null && image.editedFields.includes(`kp.${selected}`)
  return (
    <section aria-label="Keypoints" className="side-section">
      <h3>Keypoints</h3>
      <div className="kp-grid">
        {image.keypoints.map((slot, id) => (
          <button
            key={id}
            type="button"
            className={`kp-button${slot ? '' : ' kp-empty'}${slot && !slot.visible ? ' kp-invisible' : ''}`}
            aria-pressed={id === selected}
            aria-label={`keypoint ${id}${slot ? '' : ' (empty)'}`}
            onClick={() => onSelect(id === selected ? null : id)}
            data-testid={`kp-button-${id}`}
          >
            <span className="swatch" style={slot && slot.visible ? { background: keypointColour(id) } : { borderColor: keypointColour(id) }} />
            {id}
          </button>
        ))}
      </div>
      {selected === null ? (
        <p className="muted small">Select an id; for an empty one, then click on the image to place it.</p>
      ) : k ? (
        <div className="kp-detail">
          <p>
            <strong>#{selected}</strong> at ({k.point[0].toFixed(1)}, {k.point[1].toFixed(1)}), {k.visible ? 'visible' : 'invisible'}
            {k.edited ? ', edited' : ''}
          </p>
          <div className="row">
            <button type="button" onClick={() => onToggle(selected)} title="V">
              {k.visible ? 'Mark invisible' : 'Mark visible'}
            </button>
            <button type="button" onClick={() => onRemove(selected)} title="Delete">
              Delete
            </button>
            <button type="button" onClick={() => onReset(selected)} disabled={!edited} title="R: back to the imported value">
              Reset
            </button>
          </div>
        </div>
      ) : (
        <div className="kp-detail">
          <p>
            <strong>#{selected}</strong> is empty: click on the image to place it.
          </p>
          {edited && originallyThere ? (
            <button type="button" onClick={() => onReset(selected)} title="R">
              Restore the imported point
            </button>
          ) : null}
        </div>
      )}
    </section>
  )
}
