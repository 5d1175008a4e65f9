import { useMemo } from 'react'
import { ViewFilters } from '../../../../shared/ipc/channels/datasets'
import type { ImageFilters } from './use-image-window'

type FilterKey = keyof ViewFilters
/** Every route parameter a saved view restores; applying a view clears the ones it does not set. */
export const FILTER_PARAMS = Object.keys(ViewFilters.shape) as FilterKey[]
const IMAGE_KEYS = ['category', 'split', 'tag', 'excluded', 'edited'] as const satisfies readonly FilterKey[]
/** A pair has no tags and no edited annotation of its own; it is excluded with either of its images. */
const PAIR_KEYS = FILTER_PARAMS.filter((k) => k !== 'tab' && k !== 'tag' && k !== 'edited')
export type PairFilters = Omit<ViewFilters, 'tab' | 'tag' | 'edited'>

/** A URL holds text: numbers and booleans are tried when the text itself is not a valid value. */
const typed = (raw: string): unknown => (raw === 'true' ? true : raw === 'false' ? false : /^\d+$/.test(raw) ? Number(raw) : raw)

/**
 * The filters in a route's parameters. A value the contract would refuse (a hand-edited URL) is
 * dropped, as if absent, so that one bad parameter never blanks the whole list.
 */
export function filtersFromParams(params: URLSearchParams): ViewFilters {
  const out: Record<string, unknown> = {}
  for (const key of FILTER_PARAMS) {
    const raw = params.get(key)
    if (raw === null || raw === '') continue
    const field = ViewFilters.shape[key]
    const asText = field.safeParse(raw)
    const parsed = asText.success ? asText : field.safeParse(typed(raw))
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data
  }
  return out as ViewFilters
}

/** A route patch that shows exactly these filters (hrefFor writes booleans as true/false, as parsed above). */
export function paramsOfFilters(filters: ViewFilters): Record<FilterKey, string | null> {
  const patch = {} as Record<FilterKey, string | null>
  for (const key of FILTER_PARAMS) patch[key] = filters[key] === undefined ? null : String(filters[key])
  return patch
}

/** The filters `datasets.images` understands; the image view and the annotator step through the same list. */
export const imageFiltersOf = (filters: ViewFilters): ImageFilters => pick(filters, IMAGE_KEYS)
export const pairFiltersOf = (filters: ViewFilters): PairFilters => pick(filters, PAIR_KEYS)

function pick(filters: ViewFilters, keys: readonly FilterKey[]): ViewFilters {
  const out: Record<string, unknown> = {}
  for (const key of keys) if (filters[key] !== undefined) out[key] = filters[key]
  return out as ViewFilters
}

/** Equal filters keep their identity across renders: lists and windows key their fetches on them. */
export function useSameFilters<T extends object>(filters: T): T {
  const key = JSON.stringify(filters)
  return useMemo(() => JSON.parse(key) as T, [key])
}
