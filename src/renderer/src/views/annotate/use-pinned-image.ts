import { useState } from 'react'
import type { ImageItem } from '../../../../shared/ipc/channels/datasets'
import type { ImageWindow } from '../image/use-image-window'

const keyOf = (item: ImageItem): string => `${item.category}/${item.stem}`

export interface PinnedImage {
  /** The image to show: the one the user came to at this position, while they work on it. */
  item: ImageItem | null
  /** An edit took it out of the filtered list: the image that moved up into its place is next. */
  left: boolean
  /** An edit moved it one place down (+1) or up (-1) in the list (another image joined or left before it): follow it there. */
  shift: -1 | 0 | 1
  /** Show whatever the list now holds at this position. */
  unpin: () => void
}

/**
 * The annotator's image at a list position, kept while edits change the filtered list under it.
 * Filtered on "as imported", say, the first edit takes the image out of the list: it must not be
 * swapped for another mid-work, and J must not skip the image that moved up into its place.
 * `list` names the list (data set and filters) and `index` the position in it; another position
 * shows the list's image there.
 */
export function usePinnedImage(win: ImageWindow, list: string, index: number): PinnedImage {
  const [pin, setPin] = useState<{ list: string; index: number; item: ImageItem } | null>(null)
  const current = win.current
  // Adjusted while rendering (React's pattern for state that follows a prop), so no frame shows the old pin.
  if (current && (!pin || pin.list !== list || pin.index !== index)) setPin({ list, index, item: current })
  // Until another position of the same list arrives, the last image stays (no blank frame between two).
  const pinned = pin && pin.list === list && (pin.index === index || (win.loading && current === null)) ? pin.item : null
  const same = (a: ImageItem | null): boolean => a !== null && pinned !== null && keyOf(a) === keyOf(pinned)
  const moved = pinned !== null && !win.loading && !win.error && !same(current)
  const shift = !moved ? 0 : same(win.next) ? 1 : same(win.prev) ? -1 : 0
  return {
    item: pinned ?? current,
    left: moved && shift === 0,
    shift,
    unpin: () => setPin(null),
  }
}
