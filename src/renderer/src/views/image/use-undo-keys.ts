import { useEffect, useRef } from 'react'
import { inDialog, typingInto, undoKeyOf } from './keys'

/** Undo and redo from the keyboard for a view with an undo bar; the latest handlers are called. */
export function useUndoKeys(undo: () => void, redo: () => void): void {
  const ref = useRef({ undo, redo })
  useEffect(() => {
    ref.current = { undo, redo }
  })
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const action = typingInto(e.target) || inDialog() ? null : undoKeyOf(e)
      if (!action) return
      e.preventDefault()
      ref.current[action]()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
