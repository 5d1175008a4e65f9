import type { ParsedRequestOf } from '../../../shared/ipc/contract'
import type { Db } from '../../store/migration'

type OverlayFilters = Pick<ParsedRequestOf<'datasets.images'>, 'tag' | 'excluded' | 'edited'>

/**
 * Overlays are keyed by natural key (category, stem) so that they outlive a re-import; their
 * primary key starts with these columns, so each test below is one index seek per image and a
 * 2,000-image data set filters in SQL without loading any overlay into memory.
 */
const SAME_IMAGE = 'o.dataset_id = i.dataset_id AND o.category = c.name AND o.stem = i.stem'
const has = (yes: boolean, condition: string): string => `${yes ? '' : 'NOT '}EXISTS (SELECT 1 FROM image_overlays o WHERE ${SAME_IMAGE} AND ${condition})`

/** Conditions on `images i JOIN categories c` for the filters curation's overlays answer. */
export function overlayConditions(q: OverlayFilters): { where: string[]; args: string[] } {
  const where: string[] = []
  const args: string[] = []
  if (q.tag !== undefined) {
    where.push(
      `EXISTS (SELECT 1 FROM image_overlays o, json_each(o.value) t WHERE ${SAME_IMAGE} AND o.field = 'tags' AND t.value = ?)`,
    )
    args.push(q.tag)
  }
  // An include edit deletes the overlay, so the row's presence is the exclusion.
  if (q.excluded !== undefined) where.push(has(q.excluded, `o.field = 'excluded'`))
  // Tags, notes and exclusion have their own filters; "edited" is about the annotation itself.
  if (q.edited !== undefined) where.push(has(q.edited, `(o.field = 'bbox' OR o.field GLOB 'kp.*')`))
  return { where, args }
}

/** Every tag on an image still in the index, with its image count. */
export function tagCounts(db: Db, datasetId: number): { tag: string; images: number }[] {
  return db
    .prepare(
      `SELECT t.value AS tag, COUNT(*) AS images
       FROM image_overlays o, json_each(o.value) t
         JOIN categories c ON c.dataset_id = o.dataset_id AND c.name = o.category
         JOIN images i ON i.dataset_id = o.dataset_id AND i.category_id = c.id AND i.stem = o.stem
       WHERE o.dataset_id = ? AND o.field = 'tags'
       GROUP BY t.value ORDER BY t.value`,
    )
    .all(datasetId) as { tag: string; images: number }[]
}
