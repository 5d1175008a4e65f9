import { useEffect, useRef } from 'react'
import { inDialog, typingInto, undoKeyOf } from '../image/keys'

export interface AnnotateKeys {
  undo(): void
  redo(): void
  next(): void
  prev(): void
  remove(): void
  toggleVisible(): void
  reset(): void
  copyPrevious(): void
  toggleExclude(): void
  cycle(step: 1 | -1): void
  layer(key: string): void
  help(): void
  escape(): void
}

/**
 * The annotator's keyboard. Handlers are read through a ref so the listener is attached once and
 * always calls the latest closures (which see the current image and selection).
 */
export function useAnnotateKeys(handlers: AnnotateKeys): void {
  const ref = useRef(handlers)
  useEffect(() => {
    ref.current = handlers
  })
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (typingInto(e.target) || inDialog() || e.altKey) return
      const h = ref.current
      const k = e.key.toLowerCase()
      const mod = e.ctrlKey || e.metaKey
      const undoKey = undoKeyOf(e)
      let handled = true
      if (undoKey) h[undoKey]()
      else if (mod) handled = false
      else if (k === 'j' || k === 'arrowright') h.next()
      else if (k === 'k' || k === 'arrowleft') h.prev()
      else if (k === 'delete' || k === 'backspace') h.remove()
      else if (k === 'v') h.toggleVisible()
      else if (k === 'r') h.reset()
      else if (k === 'c') h.copyPrevious()
      else if (k === 'x') h.toggleExclude()
      else if (k === ']') h.cycle(1)
      else if (k === '[') h.cycle(-1)
      else if (k === 'm' || k === 'b' || k === 'p') h.layer(k)
      else if (e.key === '?') h.help()
      else if (k === 'escape') h.escape()
      else handled = false
      if (handled) e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
