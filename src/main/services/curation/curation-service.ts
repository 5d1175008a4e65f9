import { userInfo } from 'node:os'
import type { CuratedImage, EditOp, HistoryEntry, UndoState } from '../../../shared/ipc/channels/curation'
import { AppError, notFound } from '../../core/app-error'
import { applyImageOverlays, checkInsideImage, describeEdit, overlayChange } from '../../datasets/curation/overlays'
import type { OverlayChange } from '../../datasets/curation/overlays'
import type { Db } from '../../store/migration'
import { imageDetail, requireDataset } from '../datasets/dataset-queries'

interface EditRow {
  id: number
  batch: number
  target_kind: 'image' | 'pair'
  target_a: string
  target_b: string
  field: string
  before: string | null
  after: string | null
  label: string
  author: string
  created_at: string
  state: HistoryEntry['state']
}

const parse = (v: string | null): unknown => (v === null ? null : (JSON.parse(v) as unknown))

/**
 * Edits to a data set as overlays with a persistent undo/redo stack. Every gesture runs in one
 * transaction: either all its edits and their history rows are stored, or none.
 */
export class CurationService {
  private readonly author: string

  constructor(
    private readonly db: Db,
    author?: string,
  ) {
    this.author = author ?? safeUserName()
  }

  edit(name: string, ops: EditOp[], label?: string): { batch: number; applied: number; state: UndoState } {
    const ds = requireDataset(this.db, name)
    const batch = this.db.transaction(() => {
      // A new gesture forks history: what was undone can no longer be redone.
      this.db.prepare(`UPDATE edits SET state = 'discarded' WHERE dataset_id = ? AND state = 'undone'`).run(ds.id)
      const batchId = this.nextBatch(ds.id)
      const now = new Date().toISOString()
      const insert = this.db.prepare(
        `INSERT INTO edits (dataset_id, batch, target_kind, target_a, target_b, field, before, after, label, author, created_at, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'applied')`,
      )
      for (const op of ops) {
        const change = this.resolve(ds.id, name, op)
        const before = this.overlay(ds.id, change)
        const after = change.after === null ? null : JSON.stringify(change.after)
        this.writeOverlay(ds.id, change, after)
        const rowLabel = label ?? describeEdit(op)
        insert.run(ds.id, batchId, change.targetKind, change.a, change.b, change.field, before, after, rowLabel, this.author, now)
      }
      return batchId
    })()
    return { batch, applied: ops.length, state: this.state(name) }
  }

  undo(name: string): { undone: string | null; state: UndoState } {
    const ds = requireDataset(this.db, name)
    const label = this.db.transaction(() => {
      const last = this.db
        .prepare(`SELECT MAX(batch) AS b FROM edits WHERE dataset_id = ? AND state = 'applied'`)
        .get(ds.id) as { b: number | null }
      if (last.b === null) return null
      const rows = this.batchRows(ds.id, last.b).reverse()
      for (const r of rows) this.writeOverlay(ds.id, toChange(r), r.before)
      this.db.prepare(`UPDATE edits SET state = 'undone' WHERE dataset_id = ? AND batch = ?`).run(ds.id, last.b)
      return batchLabel(rows)
    })()
    return { undone: label, state: this.state(name) }
  }

  redo(name: string): { redone: string | null; state: UndoState } {
    const ds = requireDataset(this.db, name)
    const label = this.db.transaction(() => {
      const next = this.db
        .prepare(`SELECT MIN(batch) AS b FROM edits WHERE dataset_id = ? AND state = 'undone'`)
        .get(ds.id) as { b: number | null }
      if (next.b === null) return null
      const rows = this.batchRows(ds.id, next.b)
      for (const r of rows) this.writeOverlay(ds.id, toChange(r), r.after)
      this.db.prepare(`UPDATE edits SET state = 'applied' WHERE dataset_id = ? AND batch = ?`).run(ds.id, next.b)
      return batchLabel(rows)
    })()
    return { redone: label, state: this.state(name) }
  }

  state(name: string): UndoState {
    const ds = requireDataset(this.db, name)
    const labelOf = (sql: string): string | null => {
      const b = (this.db.prepare(sql).get(ds.id) as { b: number | null }).b
      return b === null ? null : batchLabel(this.batchRows(ds.id, b))
    }
    const undoLabel = labelOf(`SELECT MAX(batch) AS b FROM edits WHERE dataset_id = ? AND state = 'applied'`)
    const redoLabel = labelOf(`SELECT MIN(batch) AS b FROM edits WHERE dataset_id = ? AND state = 'undone'`)
    const applied = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM edits WHERE dataset_id = ? AND state = 'applied'`).get(ds.id) as { n: number }
    ).n
    return { canUndo: undoLabel !== null, canRedo: redoLabel !== null, undoLabel, redoLabel, applied }
  }

  history(name: string, offset: number, limit: number): { total: number; offset: number; items: HistoryEntry[] } {
    const ds = requireDataset(this.db, name)
    const total = (this.db.prepare('SELECT COUNT(*) AS n FROM edits WHERE dataset_id = ?').get(ds.id) as { n: number }).n
    const rows = this.db
      .prepare('SELECT * FROM edits WHERE dataset_id = ? ORDER BY id DESC LIMIT ? OFFSET ?')
      .all(ds.id, limit, offset) as EditRow[]
    const items = rows.map((r) => ({
      id: r.id,
      batch: r.batch,
      label: r.label,
      target: `${r.target_kind === 'image' ? 'image' : 'pair'} ${r.target_a}/${r.target_b}`,
      field: r.field,
      before: parse(r.before) as HistoryEntry['before'],
      after: parse(r.after) as HistoryEntry['after'],
      author: r.author,
      createdAt: r.created_at,
      state: r.state,
    }))
    return { total, offset, items }
  }

  image(name: string, category: string, stem: string): CuratedImage {
    const ds = requireDataset(this.db, name)
    return applyImageOverlays(imageDetail(this.db, ds, category, stem), this.imageOverlays(ds.id, category, stem))
  }

  private resolve(datasetId: number, name: string, op: EditOp): OverlayChange {
    if (op.op === 'pair.exclude') {
      const exists = this.db
        .prepare('SELECT 1 FROM pairs WHERE dataset_id = ? AND split = ? AND name = ?')
        .get(datasetId, op.split, op.name)
      if (!exists) throw notFound(`pair ${op.split}/${op.name} in data set "${name}"`)
      return overlayChange(op, null)
    }
    const current = this.image(name, op.category, op.stem)
    const problem = checkInsideImage(op, current.original.width, current.original.height)
    if (problem) throw new AppError('BAD_INPUT', `${op.category}/${op.stem}: ${problem}`)
    const kp = 'kpId' in op ? (current.keypoints[op.kpId] ?? null) : null
    try {
      return overlayChange(op, kp)
    } catch (error) {
      throw new AppError('BAD_INPUT', (error as Error).message)
    }
  }

  private imageOverlays(datasetId: number, category: string, stem: string): Map<string, unknown> {
    const rows = this.db
      .prepare('SELECT field, value FROM image_overlays WHERE dataset_id = ? AND category = ? AND stem = ?')
      .all(datasetId, category, stem) as { field: string; value: string }[]
    return new Map(rows.map((r) => [r.field, JSON.parse(r.value) as unknown]))
  }

  private overlay(datasetId: number, c: OverlayChange): string | null {
    const row = (
      c.targetKind === 'image'
        ? this.db.prepare('SELECT value FROM image_overlays WHERE dataset_id = ? AND category = ? AND stem = ? AND field = ?')
        : this.db.prepare('SELECT value FROM pair_overlays WHERE dataset_id = ? AND split = ? AND name = ? AND field = ?')
    ).get(datasetId, c.a, c.b, c.field) as { value: string } | undefined
    return row?.value ?? null
  }

  private writeOverlay(datasetId: number, c: OverlayChange, value: string | null): void {
    const table = c.targetKind === 'image' ? 'image_overlays' : 'pair_overlays'
    const [ka, kb] = c.targetKind === 'image' ? ['category', 'stem'] : ['split', 'name']
    if (value === null) {
      this.db.prepare(`DELETE FROM ${table} WHERE dataset_id = ? AND ${ka} = ? AND ${kb} = ? AND field = ?`).run(datasetId, c.a, c.b, c.field)
    } else {
      this.db
        .prepare(
          `INSERT INTO ${table} (dataset_id, ${ka}, ${kb}, field, value) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT DO UPDATE SET value = excluded.value`,
        )
        .run(datasetId, c.a, c.b, c.field, value)
    }
  }

  private nextBatch(datasetId: number): number {
    const row = this.db.prepare('SELECT MAX(batch) AS b FROM edits WHERE dataset_id = ?').get(datasetId) as { b: number | null }
    return (row.b ?? 0) + 1
  }

  private batchRows(datasetId: number, batch: number): EditRow[] {
    return this.db.prepare('SELECT * FROM edits WHERE dataset_id = ? AND batch = ? ORDER BY id').all(datasetId, batch) as EditRow[]
  }
}

const toChange = (r: EditRow): OverlayChange => ({ targetKind: r.target_kind, a: r.target_a, b: r.target_b, field: r.field, after: null })

/** A gesture sent with a label is named by it; otherwise by its first edit. */
function batchLabel(rows: EditRow[]): string {
  const first = rows[0]
  if (!first || rows.length === 1) return first?.label ?? ''
  return rows.every((r) => r.label === first.label)
    ? `${first.label} (${rows.length} edits)`
    : `${first.label} (+${rows.length - 1} more)`
}

function safeUserName(): string {
  try {
    return userInfo().username || 'unknown'
  } catch {
    return 'unknown'
  }
}

