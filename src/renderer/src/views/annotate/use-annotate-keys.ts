import { undoKeyOf } from '../image/keys'
import { useViewKeys } from '../image/use-view-keys'

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

/** The annotator's keyboard; the latest handlers are called (they see the current image and selection). */
export function useAnnotateKeys(h: AnnotateKeys): void {
  useViewKeys((e) => {
    if (e.altKey) return false
    const k = e.key.toLowerCase()
    const undoKey = undoKeyOf(e)
    if (undoKey) h[undoKey]()
    else if (e.ctrlKey || e.metaKey) return false
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
    else return false
    return true
  })
}
