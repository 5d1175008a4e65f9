import { undoKeyOf } from './keys'
import { useViewKeys } from './use-view-keys'

/** Undo and redo from the keyboard for a view with an undo bar; the latest handlers are called. */
export function useUndoKeys(undo: () => void, redo: () => void): void {
  useViewKeys((e) => {
    const action = undoKeyOf(e)
    if (action === 'undo') undo()
    else if (action === 'redo') redo()
    return action !== null
  })
}
