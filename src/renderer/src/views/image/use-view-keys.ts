import { useEffect, useRef } from 'react'
import { inDialog, typingInto } from './keys'

/**
 * A view's keyboard: the listener is attached to the window once and always calls the latest
 * handler (which sees the view's current state); keys typed into a field or meant for an open
 * dialog never reach it. The handler returns whether it used the key, which then does nothing else.
 */
export function useViewKeys(onKey: (e: KeyboardEvent) => boolean): void {
  const ref = useRef(onKey)
  useEffect(() => {
    ref.current = onKey
  })
  useEffect(() => {
    const listener = (e: KeyboardEvent): void => {
      if (typingInto(e.target) || inDialog()) return
      if (ref.current(e)) e.preventDefault()
    }
    window.addEventListener('keydown', listener)
    return () => window.removeEventListener('keydown', listener)
  }, [])
}
