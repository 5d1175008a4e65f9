import { ViewFilters } from '../../../shared/ipc/channels/datasets'
import type { SavedView } from '../../../shared/ipc/channels/datasets'
import { notFound } from '../../core/app-error'
import type { Db } from '../../store/migration'
import { requireDataset } from './dataset-queries'

interface ViewRow {
  name: string
  filters: string
  created_at: string
  updated_at: string
}

/**
 * A stored view is parsed again on the way out: a filter the contract has since dropped is
 * ignored instead of breaking the list (strict() would reject it, strip() keeps the rest).
 */
const toView = (r: ViewRow): SavedView => ({
  name: r.name,
  filters: ViewFilters.strip().parse(JSON.parse(r.filters)),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

/** Named filter sets of a data set, for the Data sets view. */
export class SavedViews {
  constructor(private readonly db: Db) {}

  list(dataset: string): SavedView[] {
    const ds = requireDataset(this.db, dataset)
    const rows = this.db.prepare('SELECT * FROM saved_views WHERE dataset_id = ? ORDER BY name').all(ds.id) as ViewRow[]
    return rows.map(toView)
  }

  /** Saving under a taken name replaces the filters and keeps when the view was first made. */
  save(dataset: string, name: string, filters: ViewFilters): SavedView {
    const ds = requireDataset(this.db, dataset)
    const now = new Date().toISOString()
    this.db
      .prepare(
        `INSERT INTO saved_views (dataset_id, name, filters, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET filters = excluded.filters, updated_at = excluded.updated_at`,
      )
      .run(ds.id, name, JSON.stringify(filters), now, now)
    const row = this.db.prepare('SELECT * FROM saved_views WHERE dataset_id = ? AND name = ?').get(ds.id, name) as ViewRow
    return toView(row)
  }

  delete(dataset: string, name: string): { deleted: string } {
    const ds = requireDataset(this.db, dataset)
    const { changes } = this.db.prepare('DELETE FROM saved_views WHERE dataset_id = ? AND name = ?').run(ds.id, name)
    if (changes === 0) throw notFound(`saved view "${name}" of data set "${dataset}"`)
    return { deleted: name }
  }
}
