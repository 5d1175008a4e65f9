import type { ImageItem, ViewFilters } from '../../../../shared/ipc/channels/datasets'
import { useQuery } from '../../client/use-query'

export type ImageFilters = Pick<ViewFilters, 'category' | 'split' | 'tag' | 'excluded' | 'edited'>

export interface ImageWindow {
  prev: ImageItem | null
  current: ImageItem | null
  next: ImageItem | null
  total: number | null
  error: Error | null
  loading: boolean
  /** Read the list again (after an edit that may change which images the filters let through). */
  reload: () => void
}

/**
 * The image at position `index` of a filtered list, with its neighbours: the image view and the
 * annotator step through the same order as the grid without loading the whole list.
 */
export function useImageWindow(dataset: string | null, filters: ImageFilters, index: number): ImageWindow {
  const offset = Math.max(0, index - 1)
  const q = useQuery(
    'datasets.images',
    dataset === null ? null : { name: dataset, ...filters, offset, limit: index === 0 ? 2 : 3 },
  )
  const items = q.data?.items ?? []
  const at = (i: number): ImageItem | null => (i >= offset ? (items[i - offset] ?? null) : null)
  return {
    prev: index > 0 ? at(index - 1) : null,
    current: at(index),
    next: at(index + 1),
    total: q.data?.total ?? null,
    error: q.error,
    loading: q.loading,
    reload: q.reload,
  }
}
