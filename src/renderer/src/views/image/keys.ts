/** Shortcuts must not fire while the user types into a field. */
export function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
}

/**
 * Keys belong to an open modal (the shortcut list) rather than the view under it; taking Escape
 * from a <dialog> would also stop it from closing.
 */
export function inDialog(): boolean {
  return document.querySelector('dialog[open]') !== null
}

/** Ctrl/Cmd+Z undoes; Ctrl/Cmd+Shift+Z and Ctrl/Cmd+Y redo, wherever curation can be undone. */
export function undoKeyOf(e: KeyboardEvent): 'undo' | 'redo' | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null
  const k = e.key.toLowerCase()
  if (k === 'z') return e.shiftKey ? 'redo' : 'undo'
  return k === 'y' ? 'redo' : null
}
