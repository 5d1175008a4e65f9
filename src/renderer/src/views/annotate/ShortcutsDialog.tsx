import { useEffect, useRef } from 'react'

export const SHORTCUTS: readonly [string, string][] = [
  ['J or →', 'next image'],
  ['K or ←', 'previous image'],
  ['drag a point', 'move it (saved on release)'],
  ['click a point', 'select it'],
  ['pick an empty id, click the image', 'add that keypoint'],
  ['[ and ]', 'select the previous / next keypoint id'],
  ['Delete or Backspace', 'remove the selected keypoint'],
  ['V', 'toggle the selected keypoint visible / invisible'],
  ['R', 'reset the selected keypoint to the imported value'],
  ['drag a box corner', 'resize the box'],
  ['C', 'copy keypoints from the previous image'],
  ['X', 'exclude / include this image'],
  ['Ctrl+Z', 'undo'],
  ['Ctrl+Shift+Z or Ctrl+Y', 'redo'],
  ['M, B, P', 'toggle mask, box, keypoints'],
  ['wheel / drag', 'zoom about the cursor / pan'],
  ['Esc', 'deselect, or close this list'],
  ['?', 'show this list'],
]

/** The `?` list, as FiftyOne and CVAT have it: every key the annotator answers to. */
export function ShortcutsDialog({ onClose }: { onClose: () => void }): React.JSX.Element {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (d && !d.open) d.showModal()
  }, [])
  return (
    <dialog ref={ref} className="dialog" aria-label="Keyboard shortcuts" onClose={onClose} onCancel={onClose}>
      <h2>Keyboard shortcuts</h2>
      <table className="table table-compact">
        <tbody>
          {SHORTCUTS.map(([k, what]) => (
            <tr key={k}>
              <th>
                <kbd>{k}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {/* A button, not <form method="dialog">: the CSP's form-action 'none' is not worth testing against. */}
      <button type="button" autoFocus onClick={() => ref.current?.close()}>
        Close
      </button>
    </dialog>
  )
}
