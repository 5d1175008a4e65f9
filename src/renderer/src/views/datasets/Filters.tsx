import { useEffect } from 'react'
import { SPAIR_SPLITS } from '../../../../shared/ipc/channels/datasets'
import type { ResponseOf } from '../../../../shared/ipc/contract'
import { useQuery } from '../../client/use-query'
import { FLAG_FILTERS } from './PairsTable'

export function Select({
  label,
  value,
  options,
  onChange,
  anyLabel = 'any',
  labelOf = (o) => o,
}: {
  label: string
  value: string
  options: readonly string[]
  onChange: (v: string) => void
  anyLabel?: string
  labelOf?: (option: string) => string
}): React.JSX.Element {
  return (
    <label className="field">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={label}>
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {labelOf(o)}
          </option>
        ))}
      </select>
    </label>
  )
}

/** What every filter group reads (the route's parameters) and writes (a patch of them). */
interface FilterProps {
  params: URLSearchParams
  onPatch: (patch: Record<string, string | null>) => void
}

/** Category and split apply to both the images and the pairs: one choice, two views of it. */
export function CommonFilters({
  categories,
  params,
  onPatch,
}: FilterProps & { categories: readonly string[] }): React.JSX.Element {
  return (
    <>
      <Select label="Category" value={params.get('category') ?? ''} options={categories} onChange={(v) => onPatch({ category: v || null })} />
      <Select label="Split" value={params.get('split') ?? ''} options={SPAIR_SPLITS} onChange={(v) => onPatch({ split: v || null })} />
    </>
  )
}

export function PairFlagFilters({
  params,
  onPatch,
}: FilterProps): React.JSX.Element {
  return (
    <>
      <Select label="Layout" value={params.get('layout') ?? ''} options={['large', 'small']} onChange={(v) => onPatch({ layout: v || null })} />
      {FLAG_FILTERS.map((f) => (
        <Select
          key={f.key}
          label={f.label}
          value={params.get(f.key) ?? ''}
          options={Array.from({ length: f.max + 1 }, (_, i) => String(i))}
          onChange={(v) => onPatch({ [f.key]: v || null })}
        />
      ))}
    </>
  )
}

const YES_NO = ['true', 'false'] as const

/**
 * What curation did to an image: its tags, exclusion and edited annotation. Tags are offered
 * from the data set's overlays, with counts, so that a user picks rather than guesses spellings.
 */
export function CurationFilters({
  dataset,
  params,
  onPatch,
  curated,
}: FilterProps & {
  dataset: string
  /** A view that edits passes its undo state, a new object after every edit, so the tag counts follow. */
  curated?: ResponseOf<'curation.state'> | null
}): React.JSX.Element {
  const tags = useQuery('datasets.tags', { name: dataset })
  const reloadTags = tags.reload
  useEffect(() => {
    if (curated != null) reloadTags()
  }, [curated, reloadTags])
  const counts = new Map((tags.data ?? []).map((t) => [t.tag, t.images]))
  const chosen = params.get('tag') ?? ''
  // A tag in the URL that no image carries any more stays choosable, or the select would lie.
  const options = chosen && !counts.has(chosen) ? [chosen, ...counts.keys()] : [...counts.keys()]
  return (
    <>
      <Select label="Tag" value={chosen} options={options} labelOf={(t) => `${t} (${counts.get(t) ?? 0})`} onChange={(v) => onPatch({ tag: v || null })} />
      <ExcludedFilter params={params} onPatch={onPatch} />
      <Select
        label="Edited"
        value={params.get('edited') ?? ''}
        options={YES_NO}
        labelOf={(v) => (v === 'true' ? 'annotation edited' : 'as imported')}
        onChange={(v) => onPatch({ edited: v || null })}
      />
    </>
  )
}

/** Images curation excluded, or pairs evaluation skips (excluded themselves or through an image). */
export function ExcludedFilter({
  params,
  onPatch,
}: FilterProps): React.JSX.Element {
  return (
    <Select
      label="Excluded"
      value={params.get('excluded') ?? ''}
      options={YES_NO}
      labelOf={(v) => (v === 'true' ? 'excluded' : 'not excluded')}
      onChange={(v) => onPatch({ excluded: v || null })}
    />
  )
}
