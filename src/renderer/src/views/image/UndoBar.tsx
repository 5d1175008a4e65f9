import type { UndoState } from '../../../../shared/ipc/channels/curation'

/** Undo / Redo named by what they would do (curation.state), so nobody undoes blind. */
export function UndoBar({ state, onUndo, onRedo }: { state: UndoState | null; onUndo: () => void; onRedo: () => void }): React.JSX.Element {
  return (
    <span className="row undo-bar">
      <button type="button" onClick={onUndo} disabled={!state?.canUndo} title={`Ctrl+Z${state?.undoLabel ? `: ${state.undoLabel}` : ''}`} data-testid="undo">
        ↶ Undo{state?.undoLabel ? `: ${state.undoLabel}` : ''}
      </button>
      <button
        type="button"
        onClick={onRedo}
        disabled={!state?.canRedo}
        title={`Ctrl+Shift+Z${state?.redoLabel ? `: ${state.redoLabel}` : ''}`}
        data-testid="redo"
      >
        ↷ Redo{state?.redoLabel ? `: ${state.redoLabel}` : ''}
      </button>
    </span>
  )
}
