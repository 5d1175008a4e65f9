import { SPAIR_SPLITS } from '../../../../shared/ipc/channels/datasets'
import { FLAG_FILTERS } from './PairsTable'

export function Select({
  label,
  value,
  options,
  onChange,
  anyLabel = 'any',
}: {
  label: string
  value: string
  options: readonly string[]
  onChange: (v: string) => void
  anyLabel?: string
}): React.JSX.Element {
  return (
    <label className="field">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={label}>
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  )
}

/** Category and split apply to both the images and the pairs: one choice, two views of it. */
export function CommonFilters({
  categories,
  params,
  onPatch,
}: {
  categories: readonly string[]
  params: URLSearchParams
  onPatch: (patch: Record<string, string | null>) => void
}): React.JSX.Element {
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
}: {
  params: URLSearchParams
  onPatch: (patch: Record<string, string | null>) => void
}): React.JSX.Element {
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
