import { useState } from 'react'
import type { SavedView, ViewFilters } from '../../../../shared/ipc/channels/datasets'
import { useClient } from '../../client'
import { useQuery } from '../../client/use-query'
import { ErrorAlert } from '../../shell/ErrorAlert'

/** "tag review, excluded false": short enough for a list row, complete enough to tell views apart. */
export const describeFilters = (f: ViewFilters): string =>
  Object.entries(f)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ') || 'no filters'

const same = (a: ViewFilters, b: ViewFilters): boolean => {
  const keys = Object.keys(a) as (keyof ViewFilters)[]
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
}

/** Named filter sets of one data set, stored in the workspace: save the current filters, apply or delete one. */
export function SavedViews({
  dataset,
  filters,
  onApply,
}: {
  dataset: string
  filters: ViewFilters
  onApply: (filters: ViewFilters) => void
}): React.JSX.Element {
  const client = useClient()
  const views = useQuery('datasets.views.list', { name: dataset })
  const [draft, setDraft] = useState('')
  const [error, setError] = useState<Error | null>(null)
  const run = (work: Promise<unknown>, then?: () => void): void => {
    work.then(
      () => {
        setError(null)
        then?.()
        views.reload()
      },
      (e: Error) => setError(e),
    )
  }
  const save = (e: React.FormEvent): void => {
    e.preventDefault()
    // The name goes as typed: the contract's VALIDATION message is the one place names are ruled on.
    run(client.call('datasets.views.save', { name: dataset, view: draft, filters }), () => setDraft(''))
  }
  const list: SavedView[] = views.data ?? []
  return (
    <section className="toolbar saved-views" aria-label="Saved views">
      <strong>Views</strong>
      {list.length === 0 && views.data ? <span className="muted small">none saved</span> : null}
      {list.map((v) => (
        <span key={v.name} className="tag" data-testid="saved-view" title={describeFilters(v.filters)}>
          <button type="button" className="link" aria-current={same(v.filters, filters) || undefined} onClick={() => onApply(v.filters)}>
            {v.name}
          </button>
          <button type="button" className="link" aria-label={`delete view ${v.name}`} onClick={() => run(client.call('datasets.views.delete', { name: dataset, view: v.name }))}>
            ×
          </button>
        </span>
      ))}
      <form className="row" onSubmit={save} aria-label="Save view">
        <input value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="name these filters" aria-label="View name" size={18} />
        <button type="submit" disabled={!draft} title={describeFilters(filters)}>
          Save view
        </button>
      </form>
      <ErrorAlert error={error ?? views.error} context="saved views" onDismiss={error ? () => setError(null) : undefined} />
    </section>
  )
}
